"""k8snet-tutor: learn and check Kubernetes networking from a terminal."""

__version__ = "0.1.0"
