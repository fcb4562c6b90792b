#pragma once

#include <Random123/philox.h>

#include <array>
#include <cstddef>
#include <cstdint>

#include "smpsim/model/work_counts.h"

namespace smpsim {

// What a random stream is for. Every draw of the model comes from a stream keyed by
// (seed, patient id, purpose, substream), so a patient can be replayed alone, its results do
// not depend on threads or ranks, and sweep points share their random numbers (MODEL.md §6 T8).
enum class StreamPurpose : std::uint32_t {
  kAttributes = 1,    // the patient's attributes (Gaussian copula)
  kPriorDensity = 2,  // touch-up: the faded earlier treatment, per region
  kDot = 3,           // one dot's life, a word per quantity: placement, depth, pigment, timeline,
                      // packets (dot_word in dot_kinetics.h)
  kScratch = 4,       // one session's scratch episodes and what they tear off
  kDesign = 5,        // a sweep's design and the bootstrap of its indices (patient id 0)
  kProposal = 6,      // a calibration's proposal (patient id: proposal index, session: generation)
  kPigment = 7,       // a dot's gamma or beta pigment, by Boost's sampler (substream: the dot)
};

using PhiloxCounter = r123::Philox4x32::ctr_type;
using PhiloxKey = r123::Philox4x32::key_type;

// The words of Philox4x32-10 blocks at the counters after `counter` (its word 0 incremented
// 1, 2, ..., blocks times, carrying into word 1 as Random123 does), in the order
// r123::Engine<Philox4x32> returns them: each block's words 3, 2, 1, 0. Advances `counter` to
// the last block's. Eight blocks at a time in AVX2 lanes where the processor has it (a quarter
// of the scalar cost per block); the same words either way.
void philox_words(PhiloxCounter& counter, PhiloxKey key, std::uint32_t* words, std::size_t blocks);

// The first `blocks` blocks of the streams (seed, patient_id, purpose, session, substream) for
// `streams` consecutive substreams from first_substream, as columns: the k-th word
// RandomStream would return for substream first_substream + i at words[k * stride + i]. Eight
// streams at a time in AVX2 lanes where the processor has it; the same words either way. Each
// stream's words stay its own, so a dot's draws do not depend on how many dots are drawn with it.
void stream_columns(std::uint64_t seed, std::uint64_t patient_id, StreamPurpose purpose,
                    std::uint32_t session, std::uint32_t first_substream, std::size_t streams,
                    std::size_t blocks, std::uint32_t* words, std::size_t stride);

// A Philox4x32-10 counter-based stream: the 64-bit seed is the key; the counter holds the draw
// index (word 0), the substream (word 1), the patient id (word 2) and the purpose and session
// (word 3), so no two streams ever overlap. The words are those of
// r123::Engine<Philox4x32> at that counter, computed eight blocks at a time. Satisfies the
// UniformRandomNumberGenerator concept, so Boost.Random distributions draw from it directly.
class RandomStream {
 public:
  using result_type = std::uint32_t;

  RandomStream(std::uint64_t seed, std::uint64_t patient_id, StreamPurpose purpose,
               std::uint32_t session = 0, std::uint32_t substream = 0);

  result_type operator()() {
    SMPSIM_COUNT(philox_words, 1);
    return next_word();
  }
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type{0}; }

  // Uniform on the open interval (0, 1), with 53 random bits. Inline: every dot draws several.
  double uniform() {
    SMPSIM_COUNT(philox_words, 2);
    SMPSIM_COUNT(uniforms, 1);
    // 53 bits from two 32-bit words, shifted by half a step so 0 and 1 never occur.
    const std::uint64_t high = next_word() >> 5;  // 27 bits
    const std::uint64_t low = next_word() >> 6;   // 26 bits
    return (static_cast<double>((high << 26) | low) + 0.5) * 0x1.0p-53;
  }
  // Uniform on (0, 1) with 32 random bits, from one draw: for yes/no decisions.
  double uniform32() {
    SMPSIM_COUNT(philox_words, 1);
    SMPSIM_COUNT(uniforms, 1);
    return (static_cast<double>(next_word()) + 0.5) * 0x1.0p-32;
  }

 private:
  // Eight blocks a fill: one pass of AVX2 lanes. A dot's stream uses ~17 blocks (three fills).
  static constexpr std::size_t kBlocksPerFill = 8;
  static constexpr std::size_t kWordsPerFill = 4 * kBlocksPerFill;

  std::uint32_t next_word() {
    if (next_ == kWordsPerFill) fill();
    return words_[next_++];
  }
  void fill();

  PhiloxKey key_;
  PhiloxCounter counter_;  // the last block computed
  std::size_t next_ = kWordsPerFill;
  std::array<std::uint32_t, kWordsPerFill> words_;
};

}  // namespace smpsim
