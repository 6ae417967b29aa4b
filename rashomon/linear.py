"""The one linear model behind every trained head, and the routines that fit it (numpy; scikit-learn for one).

``LinearModel`` is scikit-learn's estimator shape over numpy arrays::

    z = standardised(x) @ weights + bias + sum(blocks[name] @ block_weights[name])
    decision_function(x, blocks) -> z
    predict_proba(x, blocks)     -> link(z)          sigmoid (one-vs-rest), softmax, or identity mapped onto [0, 1]
    decide(proba, language)      -> booleans         thresholds per class (sigmoid) or the argmax (softmax)
    to_dict() / from_dict()

* ``x`` is a design matrix. When a model reads named columns of a raw feature table (the stance and story
  similarity features), ``inputs`` and ``products`` name them and ``design(raw, index)`` builds ``x``.
* ``mean``/``scale`` standardise ``x`` at inference; a fit that folds its standardisation into the weights
  (``fit_adam``) leaves them ``None``.
* ``blocks`` are raw extra inputs (encoder vector products) with weights of their own, added after the main term:
  they are read unstandardised, their standardisation folded into the bias when fitted.

Trained heads: the persuasion techniques, genre and frames and the PTC span classifier (``fit_adam``), the two
stance stages (``fit_lbfgs``), the story-similarity combiner (``fit_newton``, ``fit_ridge``). Each artifact keeps
the JSON layout it shipped with; its module converts (``persuasion.model`` uses ``to_dict`` as is).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np

LINKS = ("sigmoid", "softmax", "identity")


def sigmoid(z: np.ndarray) -> np.ndarray:
    # Clipped: past |z| = 30 the probability is within 1e-13 of 0 or 1, and exp() stays finite.
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def named_design(
    raw: np.ndarray, index: Mapping[str, int], inputs: Sequence[str], products: Sequence[tuple[str, str]]
) -> np.ndarray:
    """The named raw columns, then the named pairwise products."""
    columns = [raw[:, index[name]] for name in inputs]
    columns += [raw[:, index[a]] * raw[:, index[b]] for a, b in products]
    return np.column_stack(columns) if columns else np.zeros((raw.shape[0], 0))


def shift_thresholds(thresholds: np.ndarray, offset: float) -> np.ndarray:
    """Thresholds moved by ``offset`` in logit units; "never" (above 1) stays never."""
    t = np.clip(thresholds, 1e-6, 1 - 1e-6)
    shifted = 1.0 / (1.0 + np.exp(-(np.log(t / (1 - t)) + offset)))
    return np.where(thresholds > 1.0, thresholds, shifted)


@dataclass
class LinearModel:
    weights: np.ndarray  # (d, C); (d,) for a model with one output
    bias: np.ndarray | float  # (C,); a float with (d,) weights
    link: str = "sigmoid"  # one of LINKS
    classes: list[str] = field(default_factory=list)
    inputs: list[str] | None = None  # raw feature names the design reads, when it reads named columns
    products: list[tuple[str, str]] = field(default_factory=list)
    mean: np.ndarray | None = None  # standardisation of the design at inference; None: folded into the weights
    scale: np.ndarray | None = None
    blocks: dict[str, np.ndarray] = field(default_factory=dict)  # name -> (dim, C) or (dim,), on raw block values
    output_range: tuple[float, float] = (0.0, 1.0)  # identity link: the span mapped linearly onto [0, 1]
    thresholds: np.ndarray | None = None  # (C,) probabilities, sigmoid heads
    # Per-language shift of every threshold in logit units, chosen on validation: languages were annotated with
    # different densities, and one global cut serves none of them best.
    language_offsets: dict[str, float] = field(default_factory=dict)

    def design(self, raw: np.ndarray, index: Mapping[str, int]) -> np.ndarray:
        """The design matrix from a raw feature table whose columns ``index`` names."""
        return named_design(raw, index, self.inputs or [], self.products)

    def decision_function(self, x: np.ndarray, blocks: Mapping[str, np.ndarray] | None = None) -> np.ndarray:
        if self.mean is not None:
            x = (x - self.mean) / self.scale
        z = x @ self.weights + self.bias
        for name, matrix in self.blocks.items():
            if blocks is None or name not in blocks:
                raise ValueError(f"this model reads the input block {name!r}: pass it")
            z = z + blocks[name] @ matrix
        return z

    def predict_proba(self, x: np.ndarray, blocks: Mapping[str, np.ndarray] | None = None) -> np.ndarray:
        return self.proba_of(self.decision_function(x, blocks))

    def proba_of(self, z: np.ndarray) -> np.ndarray:
        """The link applied to decision values (a caller that shifts them first, e.g. by a date penalty)."""
        if self.link == "softmax":
            return softmax(z)
        if self.link == "sigmoid":
            return sigmoid(z)
        low, high = self.output_range
        return np.clip((z - low) / (high - low), 0.0, 1.0)

    def decide(self, proba: np.ndarray, language: str | None = None) -> np.ndarray:
        """Boolean (n, C): above each class's threshold (sigmoid) or the argmax (softmax)."""
        if self.link == "softmax":
            out = np.zeros_like(proba, dtype=bool)
            out[np.arange(len(proba)), proba.argmax(axis=1)] = True
            return out
        return proba >= self.thresholds_for(language)

    def thresholds_for(self, language: str | None) -> np.ndarray:
        if self.thresholds is None:
            raise ValueError("this model has no thresholds: a sigmoid head decides once they are chosen")
        offset = self.language_offsets.get(language or "", 0.0)
        if not offset:
            return self.thresholds
        return shift_thresholds(self.thresholds, offset)

    def to_dict(self, digits: int = 5) -> dict:
        """Weights to ``digits`` significant digits; the layout of the persuasion and propaganda artifacts."""

        def r(values):
            return [float(f"{float(v):.{digits}g}") for v in np.ravel(values)]

        # "kind": the key the shipped artifacts were written with.
        d: dict = {
            "classes": list(self.classes),
            "kind": self.link,
            "bias": r(self.bias),
            "weights": [r(row) for row in self.weights],
        }
        if self.inputs is not None:
            d["inputs"] = list(self.inputs)
            d["products"] = [list(p) for p in self.products]
        if self.mean is not None:
            d["mean"], d["scale"] = r(self.mean), r(self.scale)
        if self.blocks:
            d["blocks"] = {name: [r(row) for row in m] for name, m in self.blocks.items()}
        if self.link == "identity":
            d["output_range"] = list(self.output_range)
        if self.thresholds is not None:
            d["thresholds"] = [round(float(t), 4) for t in self.thresholds]
        if self.language_offsets:
            d["language_offsets"] = {k: round(float(v), 4) for k, v in sorted(self.language_offsets.items())}
        return d

    @classmethod
    def from_dict(cls, d: dict) -> LinearModel:
        width = len(d["classes"])
        return cls(
            weights=np.asarray(d["weights"], dtype=np.float64).reshape(-1, width),
            bias=np.asarray(d["bias"], dtype=np.float64),
            link=d["kind"],
            classes=list(d["classes"]),
            inputs=list(d["inputs"]) if "inputs" in d else None,
            products=[(a, b) for a, b in d.get("products", [])],
            mean=np.asarray(d["mean"], dtype=np.float64) if "mean" in d else None,
            scale=np.asarray(d["scale"], dtype=np.float64) if "scale" in d else None,
            blocks={k: np.asarray(v, dtype=np.float64) for k, v in d.get("blocks", {}).items()},
            output_range=(float(d["output_range"][0]), float(d["output_range"][1]))
            if "output_range" in d
            else (0.0, 1.0),
            thresholds=np.asarray(d["thresholds"], dtype=np.float64) if "thresholds" in d else None,
            language_offsets=dict(d.get("language_offsets", {})),
        )


# --- fitting -------------------------------------------------------------------------------------------------------

ADAM_STEPS = 300
ADAM_LEARNING_RATE = 0.05


def _standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-8] = 1.0
    return mean, scale


def fit_adam(
    x: np.ndarray,
    y: np.ndarray,
    l2: float,
    link: str,
    weighting: str = "none",
    steps: int = ADAM_STEPS,
    lr: float = ADAM_LEARNING_RATE,
    classes: Sequence[str] = (),
) -> LinearModel:
    """Logistic regression (one-vs-rest sigmoid or softmax) by full-batch Adam from zero; deterministic.

    ``y`` is (n, C) 0/1 (or fractions). Weighting "sqrt" up-weights positives (sigmoid) or
    rare classes (softmax) by the square root of their rarity: enough for rare
    techniques to shape the fit, not so much that thresholds cannot undo it.
    The standardisation is folded into the weights: the model reads raw design rows.
    """
    mean, scale = _standardise(x)
    z = (x - mean) / scale
    n, d = z.shape
    c = y.shape[1]
    y = y.astype(np.float64)
    if weighting == "sqrt":
        pos = np.clip(y.sum(axis=0), 1, None)
        if link == "sigmoid":
            pos_weight = np.sqrt((n - pos) / pos)
            sample = 1.0 + y * (pos_weight - 1.0)  # (n, C)
        else:
            per_class = np.sqrt(n / (c * pos))
            sample = (y @ per_class)[:, None] * np.ones((1, c))
    else:
        sample = np.ones((n, c))
    w = np.zeros((d, c))
    b = np.zeros(c)
    if link == "sigmoid":
        prior = np.clip(y.mean(axis=0), 1e-4, 1 - 1e-4)
        b = np.log(prior / (1 - prior))
    m_w = np.zeros_like(w)
    v_w = np.zeros_like(w)
    m_b = np.zeros_like(b)
    v_b = np.zeros_like(b)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, steps + 1):
        logits = z @ w + b
        if link == "sigmoid":
            p = 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))
            g = sample * (p - y) / n
        else:
            logits -= logits.max(axis=1, keepdims=True)
            e = np.exp(logits)
            p = e / e.sum(axis=1, keepdims=True)
            g = sample[:, :1] * (p - y) / n
        grad_w = z.T @ g + l2 * w
        grad_b = g.sum(axis=0)
        m_w = beta1 * m_w + (1 - beta1) * grad_w
        v_w = beta2 * v_w + (1 - beta2) * grad_w**2
        m_b = beta1 * m_b + (1 - beta1) * grad_b
        v_b = beta2 * v_b + (1 - beta2) * grad_b**2
        correction = np.sqrt(1 - beta2**step) / (1 - beta1**step)
        w -= lr * correction * m_w / (np.sqrt(v_w) + eps)
        b -= lr * correction * m_b / (np.sqrt(v_b) + eps)
    folded = w / scale[:, None]
    return LinearModel(folded, b - mean @ folded, link, list(classes))


def fit_lbfgs(
    design: np.ndarray,
    blocks: Mapping[str, np.ndarray],
    target: np.ndarray,
    classes: Sequence[str],
    c: float,
    sample_weight: np.ndarray,
) -> LinearModel:
    """Weighted multinomial logistic regression by L-BFGS from zero (scikit-learn, training only), softmax link.

    The design and the blocks are standardised together for the fit; the design keeps its ``mean``/``scale``, the
    blocks' are folded into their weights and the bias, since blocks are read raw. A binary target gives class 0
    a zero logit.
    """
    from sklearn.linear_model import LogisticRegression

    x = np.hstack([design] + list(blocks.values()))
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale = np.where(scale > 1e-12, scale, 1.0)
    xs = (x - mean) / scale
    fitted = LogisticRegression(C=c, max_iter=2000, tol=1e-4)
    fitted.fit(xs, target, sample_weight=sample_weight)
    coef = fitted.coef_.T  # (d, C'); binary gives one column
    bias = fitted.intercept_
    if coef.shape[1] == 1:  # binary: logit of class 1 against class 0
        coef = np.hstack([np.zeros_like(coef), coef])
        bias = np.array([0.0, bias[0]])
    d = design.shape[1]
    block_weights, offset = {}, d
    for name, values in blocks.items():
        width = values.shape[1]
        block_weights[name] = coef[offset : offset + width] / scale[offset : offset + width, None]
        bias = bias - (mean[offset : offset + width] / scale[offset : offset + width]) @ coef[offset : offset + width]
        offset += width
    return LinearModel(coef[:d], bias, "softmax", list(classes), mean=mean[:d], scale=scale[:d], blocks=block_weights)


def fit_ridge(z: np.ndarray, y: np.ndarray, penalties: np.ndarray) -> tuple[np.ndarray, float]:
    """Weights and intercept of L2-penalised least squares (closed form) on standardised ``z``; the intercept free."""
    n, d = z.shape
    design = np.column_stack([z, np.ones(n)])
    penalty = np.diag(np.append(penalties, 0.0))
    solution = np.linalg.solve(design.T @ design + penalty, design.T @ y)
    return solution[:d], float(solution[d])


def fit_newton(z: np.ndarray, y: np.ndarray, penalties: np.ndarray, iterations: int = 100) -> tuple[np.ndarray, float]:
    """Weights and intercept of L2-penalised logistic regression on soft or hard labels, by Newton's method."""
    n, d = z.shape
    design = np.column_stack([z, np.ones(n)])
    penalty = np.diag(np.append(penalties, 0.0))
    theta = np.zeros(d + 1)
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(design @ theta)))
        gradient = design.T @ (p - y) + penalty @ theta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + penalty + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.max(np.abs(step)) < 1e-10:
            break
    return theta[:d], float(theta[d])
