"""Manifests: YAML files per environment, loaded into a located, validated `Manifest`."""
