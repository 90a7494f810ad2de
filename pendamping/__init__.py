"""Pendamping: the KUBE social-companion model of a Dinas Sosial, run and proven."""

__version__ = "0.1.0"
