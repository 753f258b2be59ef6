"""Rule and knowledge data for healthclaims (installed as analyzer.data)."""
