"""Shared test set-up: Hypothesis profiles and float64 by default for gradient checks.

Profiles: "dev" (local, randomised, fast), "ci" (derandomised, bounded: selected when $CI is set,
so CI never flakes), "thorough" (many examples; select with HYPOTHESIS_PROFILE=thorough)."""
import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=25, deadline=None)
settings.register_profile("ci", max_examples=20, deadline=None, derandomize=True,
                          print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=300, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
