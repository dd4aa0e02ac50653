"""The local cloud: moto, resources read from template.yaml, Lambda handlers run in-process."""
