#!/usr/bin/python3
"""Writes the command-line fuzzer's seeds into tests/fuzz/cli_corpus/: hand-picked command lines
and every `check` / `trace` case of the bad-input corpus (tests/bad_inputs/manifest.toml), its
config embedded, in fuzz_cli.h's format `CONFIG\\0\\0WORD\\0WORD...`. Run it again after adding
cases; the fuzzer's own additions (scripts/fuzz.sh --merge) are kept beside them."""
import hashlib
import os
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "bad_inputs")
OUT = os.path.join(HERE, "cli_corpus")

HAND = [
    ["check"], ["check", "--explain"], ["trace", "--patient", "3"],
    ["trace", "--patient", "0", "--point", "1"], ["trace", "--patient", "7", "--any-patient"],
    ["check", "--set", "kinetics.k_enc=0.5", "--set", "patient.itch.mean=5"],
    ["check", "--set", "patient.itch={dist=\"gamma\",mean=3,sd=1}"],
    ["check", "--set", "sweep.method=\"grid\"", "--set",
     "sweep.parameters={\"kinetics.k_enc\"=[0.1,0.2]}"],
    ["trace", "--patient", "1", "--set", "sweep.method=\"lhs\"", "--set", "sweep.samples=4",
     "--set", "sweep.parameters={\"patient.itch.mean\"={low=1,high=2}}", "--point", "3"],
    ["check", "--set", "convergence.outcomes=[\"final_coverage\"]", "--set",
     "convergence.rel_half_width=0.1"],
    ["--version"], ["check", "--help"], ["check", "--set"], ["trace"],
]


def seed(config, words):
    data = b""
    if config is not None:
        data = config + b"\0\0"
    return data + b"\0".join(w.encode() for w in words)


def main():
    os.makedirs(OUT, exist_ok=True)
    seeds = [seed(None, words) for words in HAND]
    seeds.append(seed(b"[run]\npatients = 5\n[kinetics]\nk_enc = 0.3\n", ["check", "{config}"]))
    seeds.append(seed(b"[run]\npatients = 5\n", ["trace", "{config}", "--patient", "4"]))
    with open(os.path.join(CORPUS, "manifest.toml"), "rb") as f:
        cases = tomllib.load(f)["case"]
    for case in cases:
        if not case["args"] or case["args"][0] not in ("check", "trace") or "generate" in case:
            continue
        config = None
        if "config" in case:
            with open(os.path.join(CORPUS, case["config"]), "rb") as f:
                config = f.read()
        words = [a.replace("{config}", "\0CONFIG\0").format(config="", out="out.h5", dir=".")
                 for a in case["args"]]
        words = ["{config}" if w == "\0CONFIG\0" else w for w in words]
        seeds.append(seed(config, words))
    for data in seeds:
        name = hashlib.sha1(data).hexdigest()[:16]
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print(f"{len(seeds)} seeds in {OUT}")


if __name__ == "__main__":
    main()
