"""A seeded synthetic Norfolk care market written in the real release formats (demo data)."""

from caremarket.demo.generate import DemoManifest, generate

__all__ = ["DemoManifest", "generate"]
