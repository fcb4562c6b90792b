// Simulates one patient of the default cohort with the installed model library and prints its
// final outcomes as `smpsim trace` writes them in its final_look row.
#include <cstdio>
#include <cstdlib>

#include "smpsim/config/keys.h"
#include "smpsim/model/event_log.h"
#include "smpsim/model/patient.h"
#include "smpsim/model/simulation.h"

int main(int argc, char** argv) {
  const auto id = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 0ull;
  const smpsim::Parameters parameters = smpsim::default_parameters();
  const smpsim::Patient patient = smpsim::PatientSampler(parameters)
                                      .sample(static_cast<std::uint64_t>(parameters.run.seed), id);
  const smpsim::PatientResult result = smpsim::simulate_patient(parameters, patient);
  std::printf("%s\n", smpsim::format_outcomes(result.outcomes).c_str());
  return 0;
}
