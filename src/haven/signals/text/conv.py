"""The token-level part of the head: a convolution over MiniLM's token states.

A mean of token states blurs "I want to die" and "if you want to die, call 988" together. A
convolution over windows of three neighbouring tokens, max-pooled over the text, keeps the
strongest local pattern of each filter wherever it sits, so the head sees phrases, not only
the gist. Plain numpy, shared by inference and training.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

WINDOW = 3
DIMENSIONS = 384


def windows(states: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Token windows (batch, tokens, 3 x 384), zero-padded, and the mask of real tokens."""
    longest = max((len(s) for s in states), default=1) or 1
    padded = np.zeros((len(states), longest + WINDOW - 1, DIMENSIONS), np.float32)
    mask = np.zeros((len(states), longest), bool)
    for row, tokens in enumerate(states):
        padded[row, 1 : 1 + len(tokens)] = tokens
        mask[row, : len(tokens)] = True
    unfolded = np.concatenate([padded[:, k : k + longest] for k in range(WINDOW)], axis=2)
    return unfolded, mask


def pooled(
    unfolded: np.ndarray, mask: np.ndarray, weights: np.ndarray, bias: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Max over the text of each filter's ReLU: (pooled, pre-activations, argmax positions)."""
    batch, tokens, width = unfolded.shape
    # One 2-D product: numpy's stacked 3-D matmul does not reach BLAS and is far slower.
    activation = (unfolded.reshape(-1, width) @ weights + bias).reshape(batch, tokens, -1)
    masked = np.where(mask[..., None], np.maximum(activation, 0.0), -np.inf)
    positions = masked.argmax(axis=1)
    best = np.take_along_axis(masked, positions[:, None, :], axis=1)[:, 0]
    return np.maximum(best, 0.0), activation, positions
