"""The test suite: tests/<stage>/ per pipeline stage, shared helpers in tests/helpers/."""
