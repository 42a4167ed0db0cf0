"""The pair scorer: one calibrated decision for every candidate pair.

A logistic model over :data:`~storydiff.compare.features.FEATURES` gives the
probability that two statements are about the same thing; since a pair is only
proposed when its values cannot both hold, for a pair of differing values that
is the probability that they conflict. Its weights, the Platt calibration of
its output and its two thresholds ship in ``scorer.json`` beside this module,
written by ``storydiff fit-scorer`` from the tuning half of the development
gold (see the README's "Measured quality"): nothing is tuned at run time.

- ``threshold``: a pair at or above it is a **conflict**; chosen on the tuning
  half for precision first.
- ``floor``: between it and the threshold a pair is a **possible difference**,
  shown apart and collapsed.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from storydiff.compare.features import FEATURES
from storydiff.errors import ModelError

__all__ = [
    "SCORER_ENV",
    "PairScorer",
    "default_scorer_path",
    "fit_logistic",
    "fit_platt",
    "load_scorer",
    "sigmoid",
]

# Names a scorer file to use instead of the packaged one.
SCORER_ENV = "STORYDIFF_SCORER"
# Newton steps are enough when the change of weights falls below this.
_CONVERGED = 1e-8
_MAX_STEPS = 100


@dataclass(frozen=True, slots=True)
class PairScorer:
    """A fitted logistic pair scorer with its calibration and thresholds."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    calibration: tuple[float, float]  # Platt: p = sigmoid(a * logit + b)
    threshold: float
    floor: float
    fitted_on: str = ""

    def logit(self, x: np.ndarray) -> np.ndarray:
        """The model's raw log-odds for each row of ``x``."""
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        return np.asarray(z @ np.asarray(self.weights) + self.bias, dtype=np.float64)

    def probability(self, x: np.ndarray) -> np.ndarray:
        """The calibrated probability that each pair's statements are about one thing."""
        if len(x) == 0:
            return np.zeros(0)
        a, b = self.calibration
        return sigmoid(a * self.logit(x) + b)

    def fingerprint(self) -> str:
        """A short hash of the fitted values: two scorers with the same one score alike."""
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()[:16]

    def to_json(self) -> str:
        """The scorer as the JSON of ``scorer.json``."""
        return json.dumps(asdict(self), indent=1) + "\n"


def default_scorer_path() -> Path:
    """Where the packaged scorer lives."""
    return Path(__file__).with_name("scorer.json")


def load_scorer(path: Path | None = None) -> PairScorer:
    """The scorer in ``path``; default: the file named by ``$STORYDIFF_SCORER``, else the packaged one.

    The environment variable lets every entry point (``compare``, corpus story
    reports, the web app) use a scorer fitted with ``storydiff fit-scorer -o``.
    """
    chosen = os.environ.get(SCORER_ENV)
    return _load_scorer(path or (Path(chosen) if chosen else default_scorer_path()))


@cache
def _load_scorer(path: Path) -> PairScorer:
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        scorer = PairScorer(
            features=tuple(data["features"]),
            mean=tuple(data["mean"]),
            scale=tuple(data["scale"]),
            weights=tuple(data["weights"]),
            bias=float(data["bias"]),
            calibration=(float(data["calibration"][0]), float(data["calibration"][1])),
            threshold=float(data["threshold"]),
            floor=float(data["floor"]),
            fitted_on=str(data.get("fitted_on", "")),
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise ModelError(
            f"the pair scorer is missing or broken ({exc}); reinstall storydiff or run storydiff fit-scorer",
            input=str(path),
            stage="compare",
        ) from None
    if scorer.features != FEATURES:
        raise ModelError(
            "the pair scorer was fitted on other features than this version computes; "
            "run storydiff fit-scorer",
            input=str(path),
            stage="compare",
        )
    return scorer


def fit_logistic(
    x: np.ndarray, y: np.ndarray, weight: np.ndarray | None = None, l2: float = 1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method on standardised features.

    Returns (mean, scale, weights, bias). ``weight`` weighs each row (class
    balance); ``l2`` is the penalty on the weights (not on the bias).
    """
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.ones(len(x)) if weight is None else weight
    beta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(_MAX_STEPS):
        p = sigmoid(z @ beta)
        gradient = z.T @ (w * (p - y)) + penalty * beta
        hessian = (z * (w * p * (1 - p))[:, None]).T @ z + np.diag(penalty) + 1e-9 * np.eye(len(beta))
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if float(np.abs(step).max()) < _CONVERGED:
            break
    return mean, scale, beta[:-1], float(beta[-1])


def fit_platt(logit: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt scaling: (a, b) such that sigmoid(a * logit + b) is calibrated on ``y``."""
    _, _, w, b = fit_logistic(logit.reshape(-1, 1), y, l2=1e-6)
    spread = float(logit.std()) or 1.0
    mean = float(logit.mean())
    # fit_logistic standardised the logit: undo it so (a, b) apply to the raw logit
    a = float(w[0]) / spread
    return a, b - a * mean


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function, clipped so that large logits do not overflow."""
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -40, 40))))
