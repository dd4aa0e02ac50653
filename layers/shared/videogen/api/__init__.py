"""The REST API: one Powertools resolver, a router per resource."""
