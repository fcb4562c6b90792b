#include <catch2/catch.hpp>

#include "config_text.h"
#include "smpsim/config/config.h"
#include "smpsim/model/error.h"
#include "smpsim/run/sweep.h"

using namespace smpsim;
using testing::from_text;

namespace {

std::string message_of(const std::string& toml) {
  try {
    plan_sweep(from_text(toml));
  } catch (const InputError& e) {
    return e.what();
  }
  FAIL("expected an InputError");
  return {};
}

}  // namespace

TEST_CASE("a plain config is a sweep of one point", "[sweep]") {
  const SweepPlan plan = plan_sweep(default_parameters());
  CHECK(plan.points() == 1);
  CHECK(plan.keys.empty());
}

TEST_CASE("a grid is the product of its value lists in the order written", "[sweep]") {
  const Parameters base = from_text(
      "[sweep]\nmethod = \"grid\"\n[sweep.parameters]\n"
      "\"technician.target_depth_um\" = [150.0, 250.0]\n\"patient.itch.mean\" = [1.0, 2.0, 3.0]\n");
  const SweepPlan plan = plan_sweep(base);
  REQUIRE(plan.points() == 6);
  CHECK(plan.keys == std::vector<std::string>{"technician.target_depth_um", "patient.itch.mean"});
  CHECK(plan.values[0] == std::vector<double>{150, 1});
  CHECK(plan.values[1] == std::vector<double>{150, 2});
  CHECK(plan.values[5] == std::vector<double>{250, 3});
  const Parameters p = point_parameters(base, plan, 4);
  CHECK(p.technician.target_depth_um == 250);
  CHECK(get_number(p, "patient.itch.mean") == 2);
}

TEST_CASE("a sweep of a beta's mean keeps its sd, as a gamma's does", "[sweep]") {
  const Parameters base = from_text(
      "[patient]\nadherence = {dist = \"beta\", mean = 0.6, sd = 0.2}\n"
      "[sweep]\nmethod = \"grid\"\n[sweep.parameters]\n"
      "\"patient.adherence.mean\" = [0.3, 0.9]\n\"patient.itch.mean\" = [1.0, 6.0]\n");
  const SweepPlan plan = plan_sweep(base);
  REQUIRE(plan.points() == 4);
  const Parameters last = point_parameters(base, plan, 3);
  CHECK(last.patient[Attribute::kAdherence] == Distribution::beta_mean_sd(0.9, 0.2));
  CHECK(last.patient[Attribute::kItch] == Distribution::gamma(6, 2.5));
  // A mean whose beta the sd leaves no room for (sd^2 >= mean (1 - mean)) names the point.
  const std::string m = message_of(
      "[patient]\nadherence = {dist = \"beta\", mean = 0.6, sd = 0.2}\n"
      "[sweep]\nmethod = \"grid\"\n[sweep.parameters]\n\"patient.adherence.mean\" = [0.5, 0.97]\n");
  CHECK(m.find("patient.adherence") != std::string::npos);
  CHECK(m.find("sd must be < sqrt(mean x (1 - mean))") != std::string::npos);
}

TEST_CASE("every grid point is checked, though its distributions' states recur", "[sweep]") {
  // Each value alone leaves a beta (checked as the config is read); only mean 0.9 with sd 0.35
  // does not (0.35^2 >= 0.9 x 0.1). Points 0-4 visit valid states again and again first.
  const std::string m = message_of(
      "[patient]\nadherence = {dist = \"beta\", mean = 0.6, sd = 0.2}\n"
      "[sweep]\nmethod = \"grid\"\n[sweep.parameters]\n\"patient.adherence.mean\" = [0.5, 0.9]\n"
      "\"technician.target_depth_um\" = [150.0, 250.0]\n\"patient.adherence.sd\" = [0.1, 0.35]\n");
  CHECK(m.find("sweep point 5 (patient.adherence.mean = 0.9, technician.target_depth_um = 150, "
               "patient.adherence.sd = 0.35): ") == 0);
  CHECK(m.find("sd must be < sqrt(mean x (1 - mean))") != std::string::npos);
}

TEST_CASE("range designs have the sizes of their methods and stay in their ranges", "[sweep]") {
  const std::string parameters =
      "[sweep.parameters]\n\"kinetics.k_enc\" = {low = 0.3, high = 0.8}\n"
      "\"protocol.max_sessions\" = {low = 2, high = 6}\n\"optics.cap_um\" = {low = 40, high = "
      "90}\n";
  const SweepPlan lhs =
      plan_sweep(from_text("[sweep]\nmethod = \"lhs\"\nsamples = 20\n" + parameters));
  CHECK(lhs.points() == 20);
  const SweepPlan sobol =
      plan_sweep(from_text("[sweep]\nmethod = \"sobol\"\nsamples = 8\n" + parameters));
  CHECK(sobol.points() == 8 * (3 + 2));
  CHECK(sobol.base_samples == 8);
  const SweepPlan morris =
      plan_sweep(from_text("[sweep]\nmethod = \"morris\"\nsamples = 5\n" + parameters));
  CHECK(morris.points() == 5 * 4);
  CHECK(morris.morris_steps.size() == 15);
  for (const SweepPlan* plan : {&lhs, &sobol, &morris}) {
    for (const auto& point : plan->values) {
      CHECK(point[0] >= 0.3);
      CHECK(point[0] <= 0.8);
      CHECK(point[1] == std::round(point[1]));  // an integer key takes whole values
      CHECK(point[2] >= 40);
      CHECK(point[2] <= 90);
    }
  }
}

TEST_CASE("bad sweep specifications are errors that name the key", "[sweep]") {
  CHECK(message_of("[sweep]\nmethod = \"grid\"\n[sweep.parameters]\n\"kinetics.k_enk\" = [1.0]\n")
            .find("did you mean 'kinetics.k_enc'") != std::string::npos);
  CHECK(message_of("[sweep]\nmethod = \"lhs\"\nsamples = 4\n[sweep.parameters]\n"
                   "\"kinetics.k_enc\" = {low = 0.5, high = 0.5}\n")
            .find("sweep.parameters.kinetics.k_enc: an empty range") != std::string::npos);
  CHECK(
      message_of("[sweep]\nmethod = \"grid\"\n[sweep.parameters]\n\"protocol.touch_up\" = [0.0]\n")
          .find("sweep.parameters.protocol.touch_up: not a numeric key") != std::string::npos);
  CHECK(message_of("[sweep]\nmethod = \"grid\"\n[sweep.parameters]\n\"patient.itch\" = [1.0]\n")
            .find("not a numeric key") != std::string::npos);
  CHECK(message_of("[sweep]\nmethod = \"grid\"\n[sweep.parameters]\n\"kinetics.k_enc\" = []\n")
            .find("an empty list of values") != std::string::npos);
  CHECK(message_of("[sweep]\nmethod = \"lhs\"\nsamples = 4\n[sweep.parameters]\n"
                   "\"kinetics.k_enc\" = [0.5]\n")
            .find("needs a range") != std::string::npos);
  CHECK(message_of(
            "[sweep]\nmethod = \"grid\"\n[sweep.parameters]\n\"kinetics.recapture\" = [0.5, 2.0]\n")
            .find("kinetics.recapture: must be in [0, 1]") != std::string::npos);
  CHECK(message_of("[sweep]\nmethod = \"sobl\"\n").find("did you mean 'sobol'") !=
        std::string::npos);
  CHECK(message_of("[sweep]\nmethod = \"sobol\"\n[sweep.parameters]\n\"kinetics.k_enc\" = {low = "
                   "0.1, high = 1.0}\n")
            .find("sweep.samples") != std::string::npos);
  CHECK(message_of("[sweep]\nmethod = \"grid\"\nbaseline = "
                   "3\n[sweep.parameters]\n\"kinetics.k_enc\" = [0.1, 0.2]\n")
            .find("sweep.baseline: point 3 does not exist") != std::string::npos);
  // A point whose values break a rule between keys is named.
  CHECK(message_of(
            "[sweep]\nmethod = \"grid\"\n[sweep.parameters]\n\"protocol.min_sessions\" = [2, 5]\n")
            .find("sweep point 1 (protocol.min_sessions = 5)") != std::string::npos);
  CHECK(message_of("[sweep.parameters]\n\"kinetics.k_enc\" = [0.1]\n").find("sweep.method") !=
        std::string::npos);
}

TEST_CASE("convergence targets are checked", "[sweep]") {
  CHECK_THROWS_WITH(from_text("[convergence]\noutcomes = [\"patchines\"]\nrel_half_width = 0.1\n"),
                    Catch::Contains("did you mean 'patchiness'"));
  CHECK_THROWS_WITH(from_text("[convergence]\noutcomes = [\"patchiness\"]\n"),
                    Catch::Contains("give exactly one target"));
  CHECK_THROWS_WITH(
      from_text("[convergence]\noutcomes = [\"patchiness\"]\nrel_half_width = 0.1\nbatch "
                "= 900\nmax_patients = 800\n"),
      Catch::Contains("convergence.batch"));
  CHECK_NOTHROW(from_text("[convergence]\noutcomes = [\"patchiness\"]\nabs_half_width = 0.01\n"));
}

TEST_CASE("a baseline named by values is one point per combination of the other keys", "[sweep]") {
  const std::string grid =
      "[sweep]\nmethod = \"grid\"\n"
      "baseline = {\"patient.itch.mean\" = 1.0}\n[sweep.parameters]\n"
      "\"patient.epidermis_um.median\" = [60.0, 80.0]\n"
      "\"patient.itch.mean\" = [1.0, 2.0, 4.0]\n";
  const SweepPlan plan = plan_sweep(from_text(grid));
  REQUIRE(plan.points() == 6);
  // The last key varies fastest: points 0-2 at epidermis 60, 3-5 at 80.
  CHECK(plan.baselines == std::vector<std::int64_t>{0, 0, 0, 3, 3, 3});
  // Naming every swept key names one point for all.
  const SweepPlan one = plan_sweep(
      from_text("[sweep]\nmethod = \"grid\"\n"
                "baseline = {\"patient.itch.mean\" = 1.0, \"patient.epidermis_um.median\" = 80.0}\n"
                "[sweep.parameters]\n\"patient.epidermis_um.median\" = [60.0, 80.0]\n"
                "\"patient.itch.mean\" = [1.0, 2.0, 4.0]\n"));
  CHECK(one.baselines == std::vector<std::int64_t>(6, 3));  // epidermis 80, itch 1
  // It reads back from the resolved config.
  CHECK(plan_sweep(from_text(to_toml(from_text(grid)))).baselines == plan.baselines);
}

TEST_CASE("a baseline named by values must name swept keys at swept values, in a grid", "[sweep]") {
  const std::string parameters = "[sweep.parameters]\n\"patient.itch.mean\" = [1.0, 2.0]\n";
  CHECK_THAT(message_of("[sweep]\nmethod = \"grid\"\nbaseline = {\"patient.itch.meen\" = "
                        "1.0}\n" +
                        parameters),
             Catch::Contains("not a swept key; did you mean 'patient.itch.mean'?"));
  CHECK_THAT(message_of("[sweep]\nmethod = \"grid\"\nbaseline = {\"patient.itch.mean\" = "
                        "1.5}\n" +
                        parameters),
             Catch::Contains("1.5 is not one of the swept values (1, 2)"));
  CHECK_THAT(message_of("[sweep]\nmethod = \"lhs\"\nsamples = 4\nbaseline = "
                        "{\"patient.itch.mean\" = 1.0}\n[sweep.parameters]\n"
                        "\"patient.itch.mean\" = {low = 1.0, high = 2.0}\n"),
             Catch::Contains("needs a grid sweep"));
}

TEST_CASE("grid points share the swept lists instead of copying them", "[sweep]") {
  std::string values;
  for (int i = 0; i < 2000; ++i) values += (i ? ", " : "") + std::to_string(0.1 + i * 1e-4);
  const Parameters base = from_text(
      "[sweep]\nmethod = \"grid\"\n[sweep.parameters]\n\"kinetics.k_enc\" = [" + values + "]\n");
  const SweepPlan plan = plan_sweep(base);
  REQUIRE(plan.points() == 2000);
  REQUIRE(plan.point_base);
  CHECK(plan.point_base->sweep.parameters.front().values.empty());
  const Parameters point = point_parameters(base, plan, 1234);
  CHECK(point.sweep.parameters.front().values.empty());  // not 2000 values a point
  CHECK(point.kinetics.k_enc == plan.values[1234][0]);
  // Everything but the sweep's lists is the base's.
  Parameters expected = base;
  set_number(expected, "kinetics.k_enc", plan.values[1234][0]);
  expected.sweep.parameters.front().values.clear();
  CHECK(to_toml(point, false) == to_toml(expected, false));
}
