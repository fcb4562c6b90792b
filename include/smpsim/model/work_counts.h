#pragma once

#include <cstddef>
#include <cstdint>

namespace smpsim {

// What one thread's simulations did, counted at the places the work is done: the draws by kind,
// the scalar transcendental calls, the dots, packets and dot looks, the bytes copied. Counted
// only in a counting build (SMPSIM_WORK_COUNTS defined: bench/bench_kernel_counts, which
// compiles the model's sources itself); everywhere else SMPSIM_COUNT is nothing, so the
// production kernel pays nothing for it. docs/performance.md sets the counts against the costs.
struct WorkCounts {
  std::uint64_t streams = 0;          // random streams opened (one per dot, per session's itch)
  std::uint64_t philox_words = 0;     // 32-bit words drawn from the streams
  std::uint64_t uniforms = 0;         // uniform variates (53-bit and 32-bit)
  std::uint64_t normals = 0;          // normal variates (and log-normal: one normal each)
  std::uint64_t exponentials = 0;     // exponential variates
  std::uint64_t scalar_exp = 0;       // std::exp calls of the model (not inside Boost's samplers)
  std::uint64_t dots = 0;             // dots drawn
  std::uint64_t packets = 0;          // packets drawn
  std::uint64_t dot_looks = 0;        // dots evaluated by the look kernel, over all looks
  std::uint64_t daily_dot_looks = 0;  // of which in the daily series: the dot-days
  std::uint64_t present_updates = 0;  // dots whose present pigment was read again
  std::uint64_t bytes_copied = 0;     // bytes moved by regrowing vectors and copied into tables
};

#if defined(SMPSIM_WORK_COUNTS)
inline thread_local WorkCounts work_counts;
#define SMPSIM_COUNT(field, n) (::smpsim::work_counts.field += static_cast<std::uint64_t>(n))
// The bytes a vector moves when it has to grow to hold `new_size` elements.
#define SMPSIM_COUNT_REGROWTH(vector, new_size) \
  (::smpsim::work_counts.bytes_copied +=        \
   (new_size) > (vector).capacity() ? (vector).size() * sizeof((vector)[0]) : std::size_t{0})
#else
#define SMPSIM_COUNT(field, n) ((void)0)
#define SMPSIM_COUNT_REGROWTH(vector, new_size) ((void)0)
#endif

}  // namespace smpsim
