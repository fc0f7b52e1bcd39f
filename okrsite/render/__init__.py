"""Renderers: turn the scored model into pages, charts, badges and JSON."""
