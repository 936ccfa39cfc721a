"""The demo and scale data the benchmark measures, imported from one place: where their generators live."""

from demo.data import load_demo_data
from demo.scale import BENCH_ROUND_TITLE, ScaleParams, scale_data_generate, scale_data_present

__all__ = ["BENCH_ROUND_TITLE", "ScaleParams", "load_demo_data", "scale_data_generate", "scale_data_present"]
