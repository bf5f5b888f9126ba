"""Use cases. Each public function runs in one transaction, validates its input, raises a
`ValidationError` a clerk can act on, and writes an audit record."""
