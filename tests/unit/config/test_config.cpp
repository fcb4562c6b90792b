#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "config_text.h"
#include "smpsim/config/config.h"
#include "smpsim/model/error.h"

using namespace smpsim;
using testing::from_text;

namespace {

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  FAIL("expected an InputError");
  return {};
}

}  // namespace

TEST_CASE("configs/default.toml states exactly the built-in defaults", "[config]") {
  const Parameters file =
      load_parameters(std::string(SMPSIM_SOURCE_DIR) + "/configs/default.toml", {});
  CHECK(to_toml(file) == to_toml(default_parameters()));
}

TEST_CASE("configs/default.toml states every key under a comment", "[config]") {
  std::ifstream in(std::string(SMPSIM_SOURCE_DIR) + "/configs/default.toml");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  for (const ConfigKey& key : config_keys()) {
    const std::string section = std::string("[") + key.key.substr(0, key.key.find('.')) + "]";
    const std::string name = key.key.substr(key.key.find('.') + 1);
    const auto section_at = text.find("\n" + section + "\n");
    INFO(key.key);
    REQUIRE(section_at != std::string::npos);
    const auto at = text.find("\n" + name + " =", section_at);
    REQUIRE(at != std::string::npos);
    const auto comment_start = text.rfind('\n', at - 1) + 1;
    CHECK(text[comment_start] == '#');
  }
}

TEST_CASE("the resolved TOML reads back to the same parameters", "[config]") {
  Parameters p = default_parameters();
  p.kinetics.k_enc = 1.0 / 3;
  p.patient.attributes[0] = Distribution::gamma(0.1, 0.7);
  p.run.output = "a \"quoted\" path.h5";
  const Parameters again = from_text(to_toml(p));
  CHECK(to_toml(again) == to_toml(p));
  CHECK(again.kinetics.k_enc == 1.0 / 3);
}

TEST_CASE("every key has a unit or meaning and a default within its range", "[config]") {
  const Parameters p = default_parameters();
  for (const ConfigKey& key : config_keys()) {
    INFO(key.key);
    CHECK(!key.meaning.empty());
    if (std::holds_alternative<double>(key.default_value)) {
      CHECK(key.bounds.contains(std::get<double>(key.default_value)));
    }
  }
  CHECK_NOTHROW(validate(p));
}

TEST_CASE("a file overrides the defaults key by key and --set overrides the file", "[config]") {
  ConfigLoader loader;
  loader.apply_text("[kinetics]\nk_enc = 0.7\n[patient]\nitch = {dist = \"constant\", value = 0}\n",
                    "test.toml");
  loader.apply_override("kinetics.k_enc=0.8");
  loader.apply_override("patient.immune.median=1.5");
  loader.apply_override("patient.age={dist=\"uniform\",low=30,high=40}");
  const Parameters p = loader.finish();
  CHECK(p.kinetics.k_enc == 0.8);
  CHECK(p.kinetics.k_clear == default_parameters().kinetics.k_clear);
  CHECK(p.patient[Attribute::kItch] == Distribution::constant(0));
  CHECK(p.patient[Attribute::kImmune] == Distribution::log_normal(1.5, 0.35));
  CHECK(p.patient[Attribute::kAge] == Distribution::uniform(30, 40));
}

TEST_CASE("a beta is given by {a, b} or by {mean, sd}, and reads back as written", "[config]") {
  const Parameters p = from_text(
      "[patient]\nadherence = {dist = \"beta\", mean = 0.6, sd = 0.2}\n"
      "contrast = {dist = \"beta\", a = 6, b = 2}\n");
  CHECK(p.patient[Attribute::kAdherence] == Distribution::beta_mean_sd(0.6, 0.2));
  CHECK(p.patient[Attribute::kContrast] == Distribution::beta(6, 2));
  // The output stores the resolved config, which --resume reads back: exactly.
  Parameters odd = p;
  odd.patient.attributes[static_cast<std::size_t>(Attribute::kAdherence)] =
      Distribution::beta_mean_sd(1.0 / 3, 0.1 / 3);
  const Parameters again = from_text(to_toml(odd));
  CHECK(again.patient[Attribute::kAdherence] == odd.patient[Attribute::kAdherence]);
  CHECK(to_toml(again) == to_toml(odd));
  // A field set alone changes that field of the way the beta is given.
  ConfigLoader loader;
  loader.apply_text("[patient]\nadherence = {dist = \"beta\", mean = 0.6, sd = 0.2}\n",
                    "test.toml");
  loader.apply_override("patient.adherence.mean=0.8");
  CHECK(loader.finish().patient[Attribute::kAdherence] == Distribution::beta_mean_sd(0.8, 0.2));
}

TEST_CASE("a beta's fields are refused with the key, the place and the rule", "[config]") {
  const std::string wide = message_of(
      [] { from_text("[patient]\nadherence = {dist = \"beta\", mean = 0.6, sd = 0.5}\n"); });
  CHECK(wide.find("test.toml:2:13") != std::string::npos);
  CHECK(wide.find("patient.adherence: beta distribution: sd must be < sqrt(mean x (1 - mean))") !=
        std::string::npos);
  CHECK(message_of([] {
          from_text("[patient]\nadherence = {dist = \"beta\", a = 6, sd = 0.1}\n");
        }).find("given by {a, b} or by {mean, sd}, not both") != std::string::npos);
  // The default beta is given by {a, b}: its mean cannot be set until it is given by moments.
  const std::string shapes =
      message_of([] { ConfigLoader().apply_override("patient.adherence.mean=0.5"); });
  CHECK(shapes.find("patient.adherence is a beta distribution given by {a, b}") !=
        std::string::npos);
  CHECK(shapes.find("patient.adherence = {dist = \"beta\", mean = 0.75, sd = 0.1443}") !=
        std::string::npos);
  CHECK(message_of([] {
          from_text("[patient]\nadherence = {mean = 0.5}\n");
        }).find("write the whole distribution") != std::string::npos);
}

TEST_CASE("a distribution table without dist changes fields of the current one", "[config]") {
  const Parameters p = from_text("[patient]\nitch = {mean = 5}\n");
  CHECK(p.patient[Attribute::kItch] == Distribution::gamma(5, 2.5));
}

TEST_CASE("an unknown key is an error with the nearest key and its line", "[config]") {
  const std::string m = message_of([] { from_text("[kinetics]\nk_enk = 0.5\n"); });
  CHECK(m.find("test.toml:2:9") != std::string::npos);
  CHECK(m.find("unknown key 'kinetics.k_enk'") != std::string::npos);
  CHECK(m.find("did you mean 'kinetics.k_enc'") != std::string::npos);
  CHECK(message_of([] { from_text("[kinetic]\nk_enc = 0.5\n"); }).find("unknown key") !=
        std::string::npos);
  CHECK(message_of([] {
          ConfigLoader().apply_override("optics.mu_per_mm=1");
        }).find("did you mean 'optics.mu_per_um'") != std::string::npos);
}

TEST_CASE("a wrong type is an error naming the key and what was expected", "[config]") {
  const std::string m = message_of([] { from_text("[technician]\nregions = \"sixteen\"\n"); });
  CHECK(m.find("test.toml:2:11") != std::string::npos);
  CHECK(m.find("technician.regions: expected an integer, got a string") != std::string::npos);
  CHECK(message_of([] {
          from_text("[kinetics]\nk_enc = true\n");
        }).find("expected a number, got a boolean") != std::string::npos);
  CHECK(message_of([] {
          from_text("[protocol]\ntouch_up = 1\n");
        }).find("expected true or false") != std::string::npos);
}

TEST_CASE("an out-of-range or non-finite value is an error stating the range", "[config]") {
  CHECK(message_of([] {
          from_text("[kinetics]\nk_enc = -1\n");
        }).find("kinetics.k_enc: must be in [0, 1e+06], got -1") != std::string::npos);
  CHECK(message_of([] { from_text("[kinetics]\nrecapture = 1.5\n"); }).find("in [0, 1]") !=
        std::string::npos);
  CHECK(message_of([] { from_text("[optics]\ncap_um = nan\n"); }).find("finite") !=
        std::string::npos);
  CHECK(message_of([] { from_text("[technician]\nregions = 15\n"); }).find("square") !=
        std::string::npos);
  CHECK(message_of([] {
          from_text("[protocol]\nmin_sessions = 5\n");
        }).find("protocol.min_sessions: must not exceed protocol.max_sessions") !=
        std::string::npos);
}

TEST_CASE("bad distribution parameters are errors naming the key and the field", "[config]") {
  CHECK(message_of([] {
          from_text("[patient]\nimmune = {dist = \"lognormal\", median = 1}\n");
        }).find("patient.immune: a lognormal distribution needs 'sigma'") != std::string::npos);
  CHECK(message_of([] {
          from_text("[patient]\nimmune = {dist = \"lognormal\", median = 1, sigma = -1}\n");
        }).find("sigma must be > 0") != std::string::npos);
  CHECK(message_of([] {
          from_text("[patient]\nimmune = {dist = \"lognorm\", median = 1}\n");
        }).find("did you mean 'lognormal'") != std::string::npos);
  CHECK(message_of([] {
          from_text("[patient]\nimmune = {dist = \"gamma\", mean = 1, sd = 1, shape = 2}\n");
        }).find("has no field 'shape'") != std::string::npos);
  // A normal can go below zero; an epidermis cannot.
  CHECK(message_of([] {
          from_text("[patient]\nepidermis_um = {dist = \"normal\", mean = 70, sd = 10}\n");
        }).find("use truncnormal, lognormal or gamma") != std::string::npos);
  CHECK(message_of([] {
          from_text("[patient]\nadherence = {dist = \"uniform\", low = 0.5, high = 1.5}\n");
        }).find("patient.adherence") != std::string::npos);
}

TEST_CASE("bad correlations are errors", "[config]") {
  CHECK(message_of([] {
          from_text("[patient]\ncorrelation = [[\"age\", \"helaing\", 0.2]]\n");
        }).find("did you mean 'healing'") != std::string::npos);
  CHECK(message_of([] {
          from_text("[patient]\ncorrelation = [[\"age\", \"age\", 0.2]]\n");
        }).find("itself") != std::string::npos);
  CHECK(message_of([] {
          from_text("[patient]\ncorrelation = [[\"age\", \"immune\", 1.2]]\n");
        }).find("rho must be in [-1, 1]") != std::string::npos);
  const std::string m = message_of([] {
    from_text(
        "[patient]\ncorrelation = [[\"age\", \"healing\", 0.9], [\"healing\", \"immune\", 0.9], "
        "[\"age\", \"immune\", -0.9]]\n");
  });
  CHECK(m.find("not positive definite") != std::string::npos);
  CHECK(m.find("test.toml:2:") != std::string::npos);
}

TEST_CASE("TOML syntax errors and missing files name the place", "[config]") {
  CHECK(message_of([] { from_text("[kinetics\nk_enc = 1\n"); }).find("test.toml:1:") !=
        std::string::npos);
  CHECK(message_of([] {
          ConfigLoader().apply_file("/nonexistent/x.toml");
        }).find("/nonexistent/x.toml: cannot read config: no such file") != std::string::npos);
  CHECK(message_of([] { ConfigLoader().apply_override("kinetics.k_enc"); }).find("KEY=VALUE") !=
        std::string::npos);
  CHECK(message_of([] {
          ConfigLoader().apply_override("run.output=a.h5");
        }).find("strings need quotes") != std::string::npos);
}

TEST_CASE("numeric keys and distribution fields read and write by name", "[config]") {
  Parameters p = default_parameters();
  set_number(p, "patient.itch.mean", 6);
  set_number(p, "technician.target_depth_um", 300);
  set_number(p, "protocol.max_sessions", 5);
  CHECK(get_number(p, "patient.itch.mean") == 6);
  CHECK(get_number(p, "technician.target_depth_um") == 300);
  CHECK(p.protocol.max_sessions == 5);
  CHECK_THROWS_AS(set_number(p, "protocol.touch_up", 1), InputError);
  CHECK_THROWS_AS(set_number(p, "protocol.max_sessions", 2.5), InputError);
  CHECK_THROWS_AS(set_number(p, "patient.itch.shape", 1), InputError);
  CHECK_THROWS_AS(set_number(p, "kinetics.recapture", 2), InputError);
}

TEST_CASE("a key found once is set as set_number sets it, every time", "[config]") {
  Parameters p = default_parameters();
  CHECK_THROWS_AS(NumberKey(p, "protocol.touch_up"), InputError);
  CHECK_THROWS_AS(NumberKey(p, "patient.itch.shape"), InputError);
  NumberKey sessions(p, "protocol.max_sessions");
  sessions.set(p, 5);
  CHECK(p.protocol.max_sessions == 5);
  CHECK_THROWS_AS(sessions.set(p, 2.5), InputError);
  NumberKey sd(p, "patient.itch.sd");
  // A state found valid is remembered; one found invalid is checked again each time.
  for (int pass = 0; pass < 2; ++pass) {
    sd.set(p, 3);
    CHECK(get_number(p, "patient.itch.sd") == 3);
    CHECK_THROWS_WITH(sd.set(p, -1),
                      Catch::Contains("patient.itch.sd") && Catch::Contains("value -1"));
  }
  NumberKey recapture(p, "kinetics.recapture");
  CHECK_THROWS_WITH(recapture.set(p, 2), Catch::Contains("kinetics.recapture: must be in [0, 1]"));
}

TEST_CASE("configs too large or nested too deep are refused before parsing", "[config]") {
  const auto has = [](const std::string& m, const std::string& part) {
    return m.find(part) != std::string::npos;
  };
  const std::string big(std::size_t{4} * 1024 * 1024 + 1, '\n');
  CHECK(has(message_of([&] { from_text(big); }), "at most 4 MiB"));
  // Each of these segfaulted toml++ (stack exhaustion) at tens of thousands of levels.
  std::string dotted = "a";
  for (int i = 0; i < 30000; ++i) dotted += ".a";
  const std::string deep_key = message_of([&] { from_text(dotted + " = 1\n"); });
  CHECK(has(deep_key, "test.toml:1:"));
  CHECK(has(deep_key, "nested deeper than 64"));
  CHECK(has(message_of([&] { from_text("[" + dotted + "]\n"); }), "nested deeper than 64"));
  CHECK(has(message_of([&] {
              from_text("x = " + std::string(30000, '[') + std::string(30000, ']') + "\n");
            }),
            "nested deeper than 64"));
  std::string inline_tables = "x = ";
  for (int i = 0; i < 30000; ++i) inline_tables += "{a=";
  CHECK(has(message_of([&] { from_text(inline_tables + "1" + std::string(30000, '}')); }),
            "nested deeper than 64"));
  // 64 components pass the limit (and are an unknown key); strings may hold anything.
  std::string sixty_four = "a";
  for (int i = 1; i < 64; ++i) sixty_four += ".a";
  CHECK(has(message_of([&] { from_text(sixty_four + " = 1\n"); }), "unknown key"));
  CHECK_NOTHROW(from_text("[run]\noutput = \"" + std::string(200, '[') + "...\"\n"));
  CHECK(has(
      message_of([] { ConfigLoader().apply_override("kinetics.k_enc=" + std::string(1000, '[')); }),
      "nested deeper than 64"));
  // A --set value's place is counted in the value, not in the `value = ` it is parsed as: the
  // 65th bracket is one too many.
  CHECK(has(message_of(
                [] { ConfigLoader().apply_override("kinetics.k_enc= " + std::string(1000, '[')); }),
            "(at character 66 of the value)"));
}

TEST_CASE("one --set sets one key to one value", "[config]") {
  const auto has = [](const std::string& m, const std::string& part) {
    return m.find(part) != std::string::npos;
  };
  CHECK(has(
      message_of([] { ConfigLoader().apply_override("kinetics.k_enc=0.5\n[run]\npatients=5"); }),
      "one line"));
  CHECK(has(message_of([] { ConfigLoader().apply_override("kinetics.k_enc=0.5 = 3"); }),
            "second '='"));
  CHECK(
      has(message_of([] { ConfigLoader().apply_override("kinetics.k_enc=0.5 # x"); }), "comment"));
  ConfigLoader loader;
  loader.apply_override("run.output=\"a=b#c.h5\"");
  loader.apply_override("patient.itch={dist=\"constant\",value=0}");
  CHECK(loader.finish().run.output == "a=b#c.h5");
}

TEST_CASE("suggestions search every section and name a section's keys", "[config]") {
  const auto has = [](const std::string& m, const std::string& part) {
    return m.find(part) != std::string::npos;
  };
  CHECK(has(message_of([] { ConfigLoader().apply_override("protocol.k_enc=0.5"); }),
            "did you mean 'kinetics.k_enc'?"));
  CHECK(has(message_of([] { ConfigLoader().apply_override("aftercare.adherence=0.5"); }),
            "did you mean 'patient.adherence'?"));
  const std::string section = message_of([] { ConfigLoader().apply_override("run=5"); });
  CHECK(has(section, "'run' is a section; did you mean 'run.patients = ...'?"));
  CHECK(!has(section, "did you mean 'run'?"));
  CHECK(has(message_of([] { from_text("run = 5\n"); }), "'run' is a section"));
}

TEST_CASE("distributions that cannot be sampled or computed with are refused", "[config]") {
  const auto has = [](const std::string& m, const std::string& part) {
    return m.find(part) != std::string::npos;
  };
  CHECK(has(message_of(
                [] { from_text("[patient]\nitch = {dist = \"gamma\", mean = 1e-300, sd = 1}\n"); }),
            "patient.itch: gamma distribution: its shape (mean / sd)^2 = 0"));
  // A beta so narrow that Boost took 40 s a quantile is refused before any quantile.
  CHECK(has(message_of([] {
              from_text("[patient]\nadherence = {dist = \"beta\", mean = 0.5, sd = 1e-13}\n");
            }),
            "a beta with a shape above 1e9"));
  // A gamma whose magnitude Cantelli's bound cannot show within 1e15 (mean + 10^6 sd > 1e15)
  // has its quantiles computed: accepted when they stay within, refused when they do not.
  CHECK_NOTHROW(from_text("[patient]\nitch = {dist = \"gamma\", mean = 1e14, sd = 1e12}\n"));
  CHECK(has(message_of([] {
              from_text("[patient]\nitch = {dist = \"gamma\", mean = 2e15, sd = 1e12}\n");
            }),
            "the model computes with values of at most 1e+15"));
  CHECK(has(message_of([] {
              from_text(
                  "[technician]\npigment_per_dot = {dist = \"lognormal\", median = 1e308, "
                  "sigma = 1}\n");
            }),
            "the model computes with values of at most"));
  CHECK(has(message_of([] {
              from_text(
                  "[convergence]\noutcomes = [\"patchiness\", \"patchiness\"]\n"
                  "rel_half_width = 0.1\n");
            }),
            "listed twice"));
}
