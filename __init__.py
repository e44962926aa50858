"""Township Atlas (乡镇扶贫一张图): the township poverty-alleviation map dashboard."""

__version__ = "0.1.0"
