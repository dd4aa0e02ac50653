"""The render pipeline's steps, one per Lambda of the state machine. Each is safe to run twice."""
