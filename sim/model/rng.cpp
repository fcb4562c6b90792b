#include "smpsim/model/rng.h"

#include <immintrin.h>

#include <limits>
#include <stdexcept>

namespace smpsim {

namespace {

constexpr std::uint64_t kMaxPatientId = 0xFFFFFFFFull;
constexpr std::uint32_t kMaxSession = 0xFFFFFFu;
constexpr std::size_t kLanes = 8;

// Random123's own multipliers, Weyl key increments and round count (r123::Philox4x32 is
// Philox4x32-10), so the lanes and its scalar code cannot drift apart.
constexpr std::uint32_t kMultiplier0 = PHILOX_M4x32_0;
constexpr std::uint32_t kMultiplier1 = PHILOX_M4x32_1;
constexpr std::uint32_t kKeyStep0 = PHILOX_W32_0;
constexpr std::uint32_t kKeyStep1 = PHILOX_W32_1;
constexpr int kRounds = PHILOX4x32_DEFAULT_ROUNDS;

// A block's words in the order r123::Engine returns them: 3, 2, 1, 0.
inline void put_block(std::uint32_t* words, const PhiloxCounter& block) {
  for (std::size_t w = 0; w < 4; ++w) words[w] = block[3 - w];
}

__attribute__((target("avx2"))) inline __m256i broadcast(std::uint32_t word) {
  return _mm256_set1_epi32(static_cast<int>(word));
}

// The 32 x 32 -> 64 bit products of eight lanes: high and low words. AVX2 multiplies the even
// lanes; the odd ones are shifted down to be multiplied too.
__attribute__((target("avx2"))) inline void multiply_wide(__m256i a, __m256i multiplier,
                                                          __m256i& high, __m256i& low) {
  const __m256i even = _mm256_mul_epu32(a, multiplier);
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), multiplier);
  low = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
  high = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
}

// Eight blocks at counters first, first + 1, ..., first + 7 (word 0; the caller made sure it does
// not carry), the rounds of Random123's philox4x32_R in eight lanes.
__attribute__((target("avx2"))) void eight_blocks_avx2(const PhiloxCounter& first, PhiloxKey key,
                                                       std::uint32_t* words) {
  __m256i x0 = _mm256_add_epi32(broadcast(first[0]), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  __m256i x1 = broadcast(first[1]), x2 = broadcast(first[2]), x3 = broadcast(first[3]);
  const __m256i m0 = broadcast(kMultiplier0), m1 = broadcast(kMultiplier1);
  std::uint32_t k0 = key[0], k1 = key[1];
  for (int round = 0; round < kRounds; ++round) {
    if (round > 0) {
      k0 += kKeyStep0;
      k1 += kKeyStep1;
    }
    __m256i high0, low0, high1, low1;
    multiply_wide(x0, m0, high0, low0);
    multiply_wide(x2, m1, high1, low1);
    x0 = _mm256_xor_si256(_mm256_xor_si256(high1, x1), broadcast(k0));
    x1 = low1;
    x2 = _mm256_xor_si256(_mm256_xor_si256(high0, x3), broadcast(k1));
    x3 = low0;
  }
  alignas(32) std::uint32_t lane[4][kLanes];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lane[0]), x0);
  _mm256_store_si256(reinterpret_cast<__m256i*>(lane[1]), x1);
  _mm256_store_si256(reinterpret_cast<__m256i*>(lane[2]), x2);
  _mm256_store_si256(reinterpret_cast<__m256i*>(lane[3]), x3);
  for (std::size_t b = 0; b < kLanes; ++b) {
    put_block(words + 4 * b, {{lane[0][b], lane[1][b], lane[2][b], lane[3][b]}});
  }
}

// Block `block` of eight streams whose counters differ in word 1 only (substreams first[1],
// first[1] + 1, ..., first[1] + 7), written as columns: word k of the block (in
// r123::Engine's order) of lane i at words[k * stride + i].
__attribute__((target("avx2"))) void eight_streams_avx2(const PhiloxCounter& first, PhiloxKey key,
                                                        std::uint32_t* words, std::size_t stride) {
  __m256i x0 = broadcast(first[0]);
  __m256i x1 = _mm256_add_epi32(broadcast(first[1]), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  __m256i x2 = broadcast(first[2]), x3 = broadcast(first[3]);
  const __m256i m0 = broadcast(kMultiplier0), m1 = broadcast(kMultiplier1);
  std::uint32_t k0 = key[0], k1 = key[1];
  for (int round = 0; round < kRounds; ++round) {
    if (round > 0) {
      k0 += kKeyStep0;
      k1 += kKeyStep1;
    }
    __m256i high0, low0, high1, low1;
    multiply_wide(x0, m0, high0, low0);
    multiply_wide(x2, m1, high1, low1);
    x0 = _mm256_xor_si256(_mm256_xor_si256(high1, x1), broadcast(k0));
    x1 = low1;
    x2 = _mm256_xor_si256(_mm256_xor_si256(high0, x3), broadcast(k1));
    x3 = low0;
  }
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(words), x3);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(words + stride), x2);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(words + 2 * stride), x1);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(words + 3 * stride), x0);
}

PhiloxKey key_of(std::uint64_t seed) {
  return {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
}

// The counter before a stream's first block: its blocks are at word 0 = 1, 2, ...
PhiloxCounter origin_of(std::uint64_t patient_id, StreamPurpose purpose, std::uint32_t session,
                        std::uint32_t substream) {
  if (patient_id > kMaxPatientId || session > kMaxSession) {
    throw std::out_of_range("random stream: patient id or session out of range");
  }
  return {{0u, substream, static_cast<std::uint32_t>(patient_id),
           (static_cast<std::uint32_t>(purpose) << 24) | session}};
}

bool has_avx2() {
  static const bool avx2 = __builtin_cpu_supports("avx2");
  return avx2;
}

}  // namespace

void philox_words(PhiloxCounter& counter, PhiloxKey key, std::uint32_t* words, std::size_t blocks) {
  const r123::Philox4x32 philox;
  std::size_t b = 0;
  if (has_avx2()) {
    for (; b + kLanes <= blocks && counter[0] <= std::numeric_limits<std::uint32_t>::max() - kLanes;
         b += kLanes) {
      PhiloxCounter first = counter;
      ++first[0];
      eight_blocks_avx2(first, key, words + 4 * b);
      counter[0] += kLanes;
    }
  }
  for (; b < blocks; ++b) {
    counter.incr();
    put_block(words + 4 * b, philox(counter, key));
  }
}

void stream_columns(std::uint64_t seed, std::uint64_t patient_id, StreamPurpose purpose,
                    std::uint32_t session, std::uint32_t first_substream, std::size_t streams,
                    std::size_t blocks, std::uint32_t* words, std::size_t stride) {
  const PhiloxKey key = key_of(seed);
  const PhiloxCounter origin = origin_of(patient_id, purpose, session, first_substream);
  const r123::Philox4x32 philox;
  for (std::size_t b = 0; b < blocks; ++b) {
    PhiloxCounter counter = origin;
    counter[0] = static_cast<std::uint32_t>(b + 1);
    std::uint32_t* block_words = words + 4 * b * stride;
    std::size_t i = 0;
    if (has_avx2()) {
      for (; i + kLanes <= streams; i += kLanes) {
        PhiloxCounter lane0 = counter;
        lane0[1] += static_cast<std::uint32_t>(i);
        eight_streams_avx2(lane0, key, block_words + i, stride);
      }
    }
    for (; i < streams; ++i) {
      PhiloxCounter lane = counter;
      lane[1] += static_cast<std::uint32_t>(i);
      const PhiloxCounter block = philox(lane, key);
      for (std::size_t w = 0; w < 4; ++w) block_words[w * stride + i] = block[3 - w];
    }
  }
  SMPSIM_COUNT(streams, streams);
  SMPSIM_COUNT(philox_words, 4 * blocks * streams);
}

RandomStream::RandomStream(std::uint64_t seed, std::uint64_t patient_id, StreamPurpose purpose,
                           std::uint32_t session, std::uint32_t substream)
    : key_(key_of(seed)), counter_(origin_of(patient_id, purpose, session, substream)) {
  SMPSIM_COUNT(streams, 1);
}

void RandomStream::fill() {
  philox_words(counter_, key_, words_.data(), kBlocksPerFill);
  next_ = 0;
}

}  // namespace smpsim
