"""Offline data sets for the course.

Everything here works without a network: scikit-learn's 8x8 digits, and synthetic sets
that the package generates from a seed. Each loader returns NumPy arrays and documents
its shapes. Modules add their generators as submodules (``hotel``, ``sentiment``, ...).
"""

from autograder.datasets.digits import load_digits_split

__all__ = ["load_digits_split"]
