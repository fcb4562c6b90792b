"""The standard plots of an smpsim output file, each a PNG at DPI dots per inch drawn with
matplotlib's object interface (no pyplot, so no backend is changed), and write_standard_plots,
which writes every one that applies to a file."""
import math
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .trace import _detail, find_smpsim, read_trace, run_trace

DPI = 150

# Axis labels of the final outcomes (docs/model.md §5).
OUTCOME_UNITS = {
    "final_coverage": "share of regions at density_target",
    "final_shade": "mean dot shade, relative to fresh",
    "retained": "share of deposited pigment",
    "patchiness": "CV of region density",
    "blowout_fraction": "share of dots",
    "sessions": "sessions",
    "treatment_days": "days",
    "scratch_episodes": "episodes",
    "early_detachments": "scabs torn off",
    "satisfied": "share of patients",
    "redness_resolved_day": "days after session 1",
    "scabs_cleared_day": "days after the last session",
}
# The daily series of the healing timeline and what each one measures.
TIMELINE_SERIES = {
    "redness": "redness (share of the latest session's dots inflamed)",
    "scabs": "scabs (share of the latest session's dots under a scab)",
    "shade": "shade (mean dot shade relative to fresh)",
    "retained": "retained (share of deposited pigment in the skin)",
}
DISTRIBUTION_OUTCOMES = ("final_coverage", "final_shade", "retained", "patchiness",
                         "blowout_fraction")
SWEEP_OUTCOMES = ("final_coverage", "final_shade", "retained", "patchiness",
                  "blowout_fraction", "sessions", "early_detachments", "satisfied")
EARLY_DAYS = 14


def _save(figure, path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=DPI)  # PNG through Agg; no pyplot, so no backend is changed
    return path


def _point_label(result, point):
    values = result.points().loc[point]
    settings = ", ".join(f"{key} = {value:g}" for key, value in values.items())
    return f", point {point} ({settings})" if settings else ""


def _mark_sessions(axes, sessions, n_patients, until):
    """Dashed lines at the session starts up to day `until`, labelled with the patients' share."""
    starts = sessions[sessions.day <= until].groupby(["session", "day"]).size()
    for index, ((session, day), count) in enumerate(starts.items()):
        share = count / n_patients
        axes.axvline(day, color="0.3", linestyle="--", linewidth=0.8, alpha=0.3 + 0.7 * share,
                     label=None if index else "session start")
        if len(starts) <= 12:
            axes.annotate(f"S{session} {share:.0%}", (day, 1.0), xycoords=("data", "axes fraction"),
                          xytext=(2, -10), textcoords="offset points", fontsize=7, color="0.3")


def plot_healing_timeline(result, path, point=0):
    """Median and 50 %/90 % bands of redness, scabs, shade and retained pigment: the first
    EARLY_DAYS days after session 1, and the whole horizon with the session starts marked."""
    series = {name: result.daily(name, point, wide=True) for name in TIMELINE_SERIES}
    n_patients = len(series["redness"])
    days = series["redness"].columns.to_numpy()
    figure = Figure(figsize=(10, 8), layout="constrained")
    early, whole = figure.subplots(2, 1)
    colors = matplotlib.colormaps["tab10"].colors
    for (name, values), label, color in zip(series.items(), TIMELINE_SERIES.values(), colors):
        p05, p25, p50, p75, p95 = np.nanpercentile(values.to_numpy(), [5, 25, 50, 75, 95], axis=0)
        for axes, shown in ((early, days <= EARLY_DAYS), (whole, slice(None))):
            axes.fill_between(days[shown], p05[shown], p95[shown], color=color, alpha=0.12,
                              linewidth=0)
            axes.fill_between(days[shown], p25[shown], p75[shown], color=color, alpha=0.3,
                              linewidth=0)
            axes.plot(days[shown], p50[shown], color=color, label=label)
    sessions = result.sessions(point)
    _mark_sessions(early, sessions, n_patients, EARLY_DAYS)
    _mark_sessions(whole, sessions, n_patients, days[-1])
    bands = [Rectangle((0, 0), 1, 1, color="0.5", alpha=a) for a in (0.45, 0.15)]
    for axes, title in ((early, f"First {EARLY_DAYS} days after session 1 (legend below)"),
                        (whole, "Whole horizon (S<n> p %: share of patients starting session n)")):
        axes.set(title=title, xlabel="days since the start of session 1 (observed at k + 0.5)",
                 ylabel="share or relative value", ylim=(0, 1.05))
        axes.grid(alpha=0.3)
    handles, labels = whole.get_legend_handles_labels()
    whole.legend(handles + bands, labels + ["50 % band", "90 % band"], fontsize=7, ncol=2,
                 loc="lower right")
    figure.suptitle(f"Healing timeline of {n_patients} patients{_point_label(result, point)}: "
                    f"median and 50 %/90 % bands")
    return _save(figure, path)


def plot_outcome_distributions(result, path, point=0):
    """Histograms of final coverage, shade, retained pigment, patchiness and blowout (with the
    mean and the treatment's targets) and the share of patients per number of sessions."""
    patients = result.patients(point)
    config = result.config()
    targets = {"final_coverage": ("coverage_target", config["technician"]["coverage_target"]),
               "patchiness": ("patchiness_max", config["protocol"]["patchiness_max"])}
    regions = config["technician"]["regions"]
    figure = Figure(figsize=(12, 7), layout="constrained")
    grid = figure.subplots(2, 3)
    for axes, outcome in zip(grid.flat, DISTRIBUTION_OUTCOMES):
        values = patients[outcome]
        bins = (np.arange(regions + 2) - 0.5) / regions if outcome == "final_coverage" else 30
        axes.hist(values, bins=bins, color="tab:blue", alpha=0.75, label="patients")
        axes.axvline(values.mean(), color="black", label=f"mean {values.mean():.3g}")
        if outcome in targets:
            name, target = targets[outcome]
            axes.axvline(target, color="tab:red", linestyle="--", label=f"{name} {target:g}")
        axes.set(title=outcome, xlabel=OUTCOME_UNITS[outcome], ylabel="patients")
        axes.legend(fontsize=7)
    shares = patients.sessions.value_counts(normalize=True).sort_index()
    axes = grid.flat[-1]
    bars = axes.bar(shares.index, shares.to_numpy(), color="tab:green", label="patients")
    axes.bar_label(bars, labels=[f"{share:.0%}" for share in shares], fontsize=8)
    axes.set(title="sessions", xlabel="sessions per treatment", ylabel="share of patients",
             xticks=shares.index, ylim=(0, min(1.0, shares.max() * 1.25)))
    axes.legend(fontsize=7)
    final_day = config["protocol"]["final_day"]
    figure.suptitle(f"Final outcomes, {final_day:g} days after the last session, of "
                    f"{len(patients)} patients{_point_label(result, point)}")
    return _save(figure, path)


def plot_outcomes_vs_parameters(result, path, outcomes=SWEEP_OUTCOMES):
    """Each outcome's mean with its 95 % interval (mean ± 1.96 sem) against each swept
    parameter, one panel per (parameter, outcome), from /summary."""
    summary = result.summary()
    parameters = result.parameters
    if not parameters:
        raise ValueError(f"{result.path}: no swept parameters")
    outcomes = [outcome for outcome in outcomes if f"{outcome}_mean" in summary]
    figure = Figure(figsize=(2.6 * len(outcomes), 2.4 * len(parameters) + 0.6),
                    layout="constrained")
    grid = figure.subplots(len(parameters), len(outcomes), squeeze=False)
    for row, parameter in zip(grid, parameters):
        for axes, outcome in zip(row, outcomes):
            axes.errorbar(summary[parameter], summary[f"{outcome}_mean"],
                          yerr=1.96 * summary[f"{outcome}_sem"], fmt="o", markersize=3, capsize=2,
                          linewidth=0.8, alpha=0.8, label="point mean ± 1.96 sem (95 % CI)")
            axes.set_title(outcome, fontsize=9)
            axes.set_xlabel(parameter, fontsize=8)
            axes.set_ylabel(OUTCOME_UNITS.get(outcome, outcome), fontsize=7)
            axes.tick_params(labelsize=7)
            axes.grid(alpha=0.3)
    grid[0, 0].legend(fontsize=7)
    figure.suptitle(f"Outcomes against the swept parameters ({len(summary)} points, "
                    f"{result.sweep_method or 'sweep'})")
    return _save(figure, path)


def _outcome_panels(sensitivity, panel_width):
    """A figure with one panel per outcome of a sensitivity table, three to a row."""
    outcomes = list(dict.fromkeys(sensitivity.outcome))
    columns = min(3, len(outcomes))
    rows = math.ceil(len(outcomes) / columns)
    figure = Figure(figsize=(panel_width * columns, 3.4 * rows + 0.5), layout="constrained")
    grid = figure.subplots(rows, columns, squeeze=False)
    for axes in grid.flat[len(outcomes):]:
        axes.set_visible(False)
    return figure, zip(grid.flat, outcomes)


def plot_sobol_indices(result, path):
    """Per outcome, each parameter's first-order (S1) and total (ST) Sobol index with its 95 %
    bootstrap interval, and the share of the variance that is Monte Carlo noise."""
    sensitivity = result.sensitivity()
    n_parameters = sensitivity.parameter.nunique()
    figure, panels = _outcome_panels(sensitivity, max(4.0, 0.45 * n_parameters + 1.5))
    for axes, outcome in panels:
        rows = sensitivity[sensitivity.outcome == outcome]
        x = np.arange(len(rows))
        for offset, index, color in ((-0.2, "S1", "tab:blue"), (0.2, "ST", "tab:orange")):
            axes.bar(x + offset, rows[index], width=0.4, yerr=rows[f"{index}_conf"], capsize=2,
                     color=color, label=f"{index} ± 95 % CI")
        if "noise_share" in rows:
            axes.plot(x, rows.noise_share, "kx", label="noise share")
        axes.axhline(0, color="black", linewidth=0.6)
        axes.set_xticks(x, rows.parameter, rotation=30, ha="right", fontsize=7)
        axes.set(title=outcome, ylabel="Sobol index (share of variance)")
        axes.legend(fontsize=7)
    figure.suptitle("Sobol sensitivity indices: first order S1 and total ST")
    return _save(figure, path)


def plot_morris(result, path):
    """Per outcome, the Morris screening: each parameter's mu* (with its 95 % interval) against
    sigma; parameters above the line sigma = mu* act non-linearly or in interactions."""
    sensitivity = result.sensitivity()
    figure, panels = _outcome_panels(sensitivity, 4.2)
    for axes, outcome in panels:
        rows = sensitivity[sensitivity.outcome == outcome]
        axes.errorbar(rows.mu_star, rows.sigma, xerr=rows.mu_star_conf, fmt="o", markersize=4,
                      capsize=2, label="parameter: μ* ± 95 % CI")
        for parameter, mu_star, sigma in zip(rows.parameter, rows.mu_star, rows.sigma):
            axes.annotate(parameter, (mu_star, sigma), xytext=(3, 3), textcoords="offset points",
                          fontsize=6)
        top = max(rows.mu_star.max() + rows.mu_star_conf.max(), rows.sigma.max()) * 1.1
        axes.plot([0, top], [0, top], color="0.5", linestyle="--", linewidth=0.8, label="σ = μ*")
        unit = OUTCOME_UNITS.get(outcome, "outcome units")
        axes.set(title=outcome, xlim=(0, top), ylim=(0, top), ylabel="σ, sd of elementary effects")
        axes.set_xlabel(f"μ*, mean |elementary effect| ({unit})", fontsize=7)
        axes.legend(fontsize=7)
    figure.suptitle("Morris screening: mean absolute effect μ* against its spread σ")
    return _save(figure, path)


def plot_region_dots(trace, path, config):
    """One patient's dots on the region grid from a trace: the dots placed in each region per
    session and in all, in units of dots_per_session / regions, the visible density of each
    region at the final look, and the share of the placed pigment packets that scratching tore
    off."""
    events = read_trace(trace)
    technician = config["technician"]
    regions = range(technician["regions"])
    side = math.isqrt(technician["regions"])
    unit = technician["dots_per_session"] / technician["regions"]
    punctures = events[events.event == "puncture"].assign(
        session=lambda e: _detail(e.detail, "session").astype(int))
    placed = pd.crosstab(punctures.region, punctures.session).reindex(regions, fill_value=0)
    torn = events[events.event == "packet_torn_off"].region.value_counts().reindex(
        regions, fill_value=0)
    packets = placed.sum(axis=1) * config["kinetics"]["packets_per_dot"]
    examinations = events[events.event == "examination"]
    examined = pd.DataFrame({key: _detail(examinations.detail, key).astype(float)
                             for key in ("session", "coverage", "patchiness")})
    exam_titles = {int(exam.session): f"\nexam: coverage {exam.coverage:.2f}, "
                                      f"patchiness {exam.patchiness:.2f}"
                   for exam in examined.itertuples()}
    starts = punctures.groupby("session").time.min()
    # docs/model.md §3.1: how the technician worked in each session (model version 2's traces).
    session_starts = events[events.event == "session_start"]
    move_titles = {}
    if len(session_starts) and session_starts.detail.str.contains("depth_shift_um=").any():
        moves = pd.DataFrame({key: _detail(session_starts.detail, key).astype(float)
                              for key in ("session", "depth_shift_um", "pigment_factor")})
        move_titles = {int(m.session): f"\ndepth shift {m.depth_shift_um:+.0f} µm, "
                                       f"pigment × {m.pigment_factor:.2f}"
                       for m in moves.itertuples()}
    density_label = f"dots placed / ({technician['dots_per_session']} / {technician['regions']})"

    session_max = placed.to_numpy().max() / unit
    panels = [(f"session {session}, day {starts[session]:.0f}{move_titles.get(session, '')}"
               f"{exam_titles.get(session, '')}",
               placed[session] / unit, "viridis", session_max, "%.2f", density_label)
              for session in placed.columns]
    panels += [("all sessions", placed.sum(axis=1) / unit, "viridis", None, "%.2f",
                density_label)]
    final = events[events.event == "final"]
    if len(final) and "region_density=" in final.detail.iloc[0]:
        visible = pd.Series([float(d) for d in _detail(final.detail, "region_density").iloc[0].split("|")])
        target = technician["density_target"]
        panels.append((f"final look, day {final.time.iloc[0]:.0f}: visible density\n"
                       f"(target {target:g}; {int((visible >= target).sum())} of "
                       f"{len(visible)} regions reach it)",
                       visible, "viridis", None, "%.2f", "visible dots / (dots_per_session / regions)"))
    panels += [
               ("pigment torn off by scratching", 100 * torn / packets.clip(lower=1), "Reds",
                None, "%.1f", "% of the packets placed")]
    figure = Figure(figsize=(3.3 * len(panels), 3.6), layout="constrained")
    grid = figure.subplots(1, len(panels), squeeze=False)
    for axes, (title, values, colormap, top, number, label) in zip(grid[0], panels):
        cells = values.to_numpy(dtype=float).reshape(side, side)
        image = axes.imshow(cells, cmap=colormap, vmin=0, vmax=top)
        for (row, column), value in np.ndenumerate(cells):
            red, green, blue, _ = image.cmap(image.norm(value))
            dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
            axes.text(column, row, number % value, ha="center", va="center", fontsize=7,
                      color="white" if dark else "black")
        axes.set(xticks=range(side), yticks=range(side), xlabel="grid column", ylabel="grid row")
        axes.set_title(title, fontsize=8)
        figure.colorbar(image, ax=axes, shrink=0.7).set_label(label, fontsize=7)
    figure.suptitle(f"One patient's dots per region (region r at row r // {side}, column r % {side}), "
                    f"from its trace: placed per session, and visible at the final look")
    return _save(figure, path)


def _weighted_density(values, weights, grid):
    """A Gaussian kernel density of weighted values on `grid` (Scott's bandwidth on the
    effective sample size)."""
    weights = np.asarray(weights, dtype=float) / np.sum(weights)
    mean = np.sum(weights * values)
    sd = math.sqrt(max(np.sum(weights * (values - mean) ** 2), 1e-300))
    ess = 1 / np.sum(weights ** 2)
    bandwidth = max(sd * ess ** -0.2, 1e-12 * max(abs(mean), 1))
    z = (grid[:, None] - values[None, :]) / bandwidth
    return (np.exp(-0.5 * z * z) * weights[None, :]).sum(axis=1) / (bandwidth * math.sqrt(2 * math.pi))


def _prior_density(prior, grid):
    """The prior's density on `grid`, from its TOML table (uniform, lognormal, normal, gamma,
    beta, truncnormal); None for a family it cannot draw."""
    dist = prior["dist"]
    if dist == "uniform":
        return np.where((grid >= prior["low"]) & (grid <= prior["high"]),
                        1 / (prior["high"] - prior["low"]), 0.0)
    if dist in ("normal", "truncnormal"):
        density = np.exp(-0.5 * ((grid - prior["mean"]) / prior["sd"]) ** 2) / (
            prior["sd"] * math.sqrt(2 * math.pi))
        if dist == "truncnormal":
            inside = (grid >= prior["low"]) & (grid <= prior["high"])
            cdf = lambda x: 0.5 * (1 + math.erf((x - prior["mean"]) / (prior["sd"] * math.sqrt(2))))
            density = np.where(inside, density / (cdf(prior["high"]) - cdf(prior["low"])), 0.0)
        return density
    if dist == "lognormal":
        positive = np.maximum(grid, 1e-300)
        return np.where(grid > 0, np.exp(-0.5 * (np.log(positive / prior["median"]) /
                                                 prior["sigma"]) ** 2) /
                        (positive * prior["sigma"] * math.sqrt(2 * math.pi)), 0.0)
    return None


def plot_calibration_posteriors(result, path):
    """Each calibrated parameter's marginal, generation by generation (darker: later), against
    its prior (grey), with the final 5-95 % interval shaded."""
    c = result.calibration()
    priors = result.config()["calibration"]["parameters"]
    names = c["parameters"]
    figure = Figure(figsize=(5.2 * len(names), 3.8), layout="constrained")
    axes = figure.subplots(1, len(names), squeeze=False)[0]
    generations = sorted(c["particles"].generation.unique())
    colours = matplotlib.colormaps["viridis"](np.linspace(0.15, 0.85, len(generations)))
    posterior = c["posterior"].set_index("parameter")
    for ax, name in zip(axes, names):
        row = posterior.loc[name]
        low, high = row.prior_q05, row.prior_q95
        span = high - low
        grid = np.linspace(low - 0.3 * span, high + 0.3 * span, 400)
        prior = _prior_density(priors[name], grid)
        if prior is not None:
            ax.fill_between(grid, prior, color="0.85", label="prior")
        for colour, g in zip(colours, generations):
            particles = c["particles"][c["particles"].generation == g]
            ax.plot(grid, _weighted_density(particles[name].to_numpy(),
                                            particles.weight.to_numpy(), grid),
                    color=colour, lw=1.4, label=f"generation {g}")
        ax.axvspan(row.q05, row.q95, color=colours[-1], alpha=0.12, label="final 90 % interval")
        ax.set_xlabel(name)
        ax.set_ylabel("density")
        ax.set_xlim(grid[0], grid[-1])
    axes[0].legend(fontsize=7)
    figure.suptitle("Posterior marginals by generation against the prior")
    return _save(figure, path)


def plot_calibration_pairs(result, path):
    """The final generation's particles, parameter against parameter (size: weight), with each
    marginal as a weighted histogram on the diagonal."""
    c = result.calibration()
    names = c["parameters"]
    last = c["particles"][c["particles"].generation == c["particles"].generation.max()]
    n = len(names)
    figure = Figure(figsize=(2.8 * n + 0.6, 2.8 * n), layout="constrained")
    axes = figure.subplots(n, n, squeeze=False)
    weights = last.weight.to_numpy()
    for i, y in enumerate(names):
        for j, x in enumerate(names):
            ax = axes[i][j]
            if i == j:
                ax.hist(last[x], bins=20, weights=weights, color="tab:blue", alpha=0.7)
            else:
                ax.scatter(last[x], last[y], s=4 + 400 * weights, alpha=0.5, color="tab:blue")
            if i == n - 1:
                ax.set_xlabel(x, fontsize=8)
            if j == 0 and i != j:
                ax.set_ylabel(y, fontsize=8)
    figure.suptitle(f"Final generation ({len(last)} particles)")
    return _save(figure, path)


def plot_calibration_progress(result, path):
    """Epsilon and the acceptance rate per generation."""
    generations = result.calibration()["generations"]
    figure = Figure(figsize=(6.5, 3.6), layout="constrained")
    ax = figure.subplots()
    later = generations[np.isfinite(generations.epsilon)]
    ax.plot(later.generation, later.epsilon, "o-", color="tab:blue")
    ax.set_xlabel("generation")
    ax.set_ylabel("epsilon (distance accepted)", color="tab:blue")
    ax.set_xticks(generations.generation)
    twin = ax.twinx()
    twin.plot(generations.generation, generations.acceptance_rate, "s--", color="tab:orange")
    twin.set_ylabel("acceptance rate", color="tab:orange")
    twin.set_ylim(0, 1.05)
    figure.suptitle("ABC-SMC: epsilon and acceptance per generation (generation 0: the prior)")
    return _save(figure, path)


def plot_calibration_predictive(result, path):
    """The posterior predictive check: per target, the observed value ± sd against the
    statistic simulated at posterior draws (each on a cohort of new patients)."""
    c = result.calibration()
    predictive = c["predictive"]
    targets = c["targets"]
    figure = Figure(figsize=(6.5, 0.7 * len(targets) + 2.0), layout="constrained")
    ax = figure.subplots()
    for i, t in enumerate(targets.itertuples()):
        simulated = predictive[predictive.target == t.target].simulated.to_numpy()
        # In units of the target's sd, so that every target fits one axis.
        ax.scatter((simulated - t.observed) / t.sd, np.full(len(simulated), i), color="tab:blue",
                   s=18, zorder=3, label="simulated at posterior draws" if i == 0 else None)
        ax.errorbar(0, i, xerr=1, fmt="o", color="black", capsize=4,
                    label="observed ± sd" if i == 0 else None)
    ax.axvline(0, color="0.7", lw=0.8)
    ax.set_yticks(range(len(targets)))
    ax.set_yticklabels([f"{t.target} ({t.observed:.3g} ± {t.sd:.2g})"
                        for t in targets.itertuples()])
    ax.set_xlabel("(simulated − observed) / sd")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    figure.suptitle("Posterior predictive check")
    return _save(figure, path)


def write_calibration_plots(result, directory):
    """The calibration's plots; returns their paths."""
    directory = Path(directory)
    paths = [plot_calibration_posteriors(result, directory / "calibration_posteriors.png"),
             plot_calibration_pairs(result, directory / "calibration_pairs.png"),
             plot_calibration_progress(result, directory / "calibration_progress.png")]
    if result.calibration()["predictive"] is not None:
        paths.append(plot_calibration_predictive(result, directory / "calibration_predictive.png"))
    return paths


def write_standard_plots(result, directory, patient=0, smpsim=None):
    """Writes every standard plot that applies to the file into `directory`; returns the paths.
    The region grid needs the smpsim executable to trace `patient`; without it it is skipped."""
    directory = Path(directory)
    if result.calibration() is not None:
        return write_calibration_plots(result, directory)
    point = max(result.config().get("sweep", {}).get("baseline", 0), 0)
    paths = []
    if result.daily_names(point):
        paths.append(plot_healing_timeline(result, directory / "healing_timeline.png", point))
    paths.append(plot_outcome_distributions(result, directory / "outcome_distributions.png", point))
    if result.parameters:
        paths.append(plot_outcomes_vs_parameters(result, directory / "outcomes_vs_parameters.png"))
    sensitivity = result.sensitivity()
    if sensitivity is not None and "S1" in sensitivity:
        paths.append(plot_sobol_indices(result, directory / "sobol_indices.png"))
    if sensitivity is not None and "mu_star" in sensitivity:
        paths.append(plot_morris(result, directory / "morris.png"))
    executable = smpsim or find_smpsim()
    if executable is None:
        warnings.warn("region_dots.png skipped: no smpsim executable to trace a patient "
                      "(set SMPSIM or build build/smpsim)")
    else:
        trace = run_trace(result, patient, point, executable)
        paths.append(plot_region_dots(trace, directory / "region_dots.png", result.config()))
    return paths
