#pragma once

#include <Random123/philox.h>
#include <Random123/conventional/Engine.hpp>

#include <cstdint>

#include "smpsim/model/work_counts.h"

namespace smpsim {

// What a random stream is for. Every draw of the model comes from a stream keyed by
// (seed, patient id, purpose, substream), so a patient can be replayed alone, its results do
// not depend on threads or ranks, and sweep points share their random numbers (MODEL.md §6 T8).
enum class StreamPurpose : std::uint32_t {
  kAttributes = 1,    // the patient's attributes (Gaussian copula)
  kPriorDensity = 2,  // touch-up: the faded earlier treatment, per region
  kDot = 3,           // one dot's life: placement, depth, pigment, timeline, packets
  kScratch = 4,       // one session's scratch episodes and what they tear off
  kDesign = 5,        // a sweep's design and the bootstrap of its indices (patient id 0)
  kProposal = 6,      // a calibration's proposal (patient id: proposal index, session: generation)
};

// A Philox4x32-10 counter-based stream: the 64-bit seed is the key; the counter holds the draw
// index (word 0), the substream (word 1), the patient id (word 2) and the purpose and session
// (word 3), so no two streams ever overlap. Satisfies the UniformRandomNumberGenerator concept,
// so Boost.Random distributions draw from it directly.
class RandomStream {
 public:
  using Engine = r123::Engine<r123::Philox4x32>;
  using result_type = Engine::result_type;

  RandomStream(std::uint64_t seed, std::uint64_t patient_id, StreamPurpose purpose,
               std::uint32_t session = 0, std::uint32_t substream = 0);

  result_type operator()() {
    SMPSIM_COUNT(philox_words, 1);
    return engine_();
  }
  static constexpr result_type min() { return Engine::min(); }
  static constexpr result_type max() { return Engine::max(); }

  // Uniform on the open interval (0, 1), with 53 random bits. Inline: every dot draws several.
  double uniform() {
    SMPSIM_COUNT(philox_words, 2);
    SMPSIM_COUNT(uniforms, 1);
    // 53 bits from two 32-bit words, shifted by half a step so 0 and 1 never occur.
    const std::uint64_t high = engine_() >> 5;  // 27 bits
    const std::uint64_t low = engine_() >> 6;   // 26 bits
    return (static_cast<double>((high << 26) | low) + 0.5) * 0x1.0p-53;
  }
  // Uniform on (0, 1) with 32 random bits, from one draw: for yes/no decisions.
  double uniform32() {
    SMPSIM_COUNT(philox_words, 1);
    SMPSIM_COUNT(uniforms, 1);
    return (static_cast<double>(engine_()) + 0.5) * 0x1.0p-32;
  }

 private:
  Engine engine_;
};

}  // namespace smpsim
