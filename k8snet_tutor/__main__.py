"""`python -m k8snet_tutor` runs the same entry point as the `k8snet-tutor` command."""

from k8snet_tutor.cli.main import main

raise SystemExit(main())
