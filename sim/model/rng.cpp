#include "smpsim/model/rng.h"

#include <stdexcept>

namespace smpsim {

namespace {
constexpr std::uint64_t kMaxPatientId = 0xFFFFFFFFull;
constexpr std::uint32_t kMaxSession = 0xFFFFFFu;
}  // namespace

RandomStream::RandomStream(std::uint64_t seed, std::uint64_t patient_id, StreamPurpose purpose,
                           std::uint32_t session, std::uint32_t substream)
    : engine_(Engine::key_type{
          {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}}) {
  if (patient_id > kMaxPatientId || session > kMaxSession) {
    throw std::out_of_range("random stream: patient id or session out of range");
  }
  const Engine::ctr_type counter = {{0u, substream, static_cast<std::uint32_t>(patient_id),
                                     (static_cast<std::uint32_t>(purpose) << 24) | session}};
  engine_.setcounter(counter, 0);
  SMPSIM_COUNT(streams, 1);
}

}  // namespace smpsim
