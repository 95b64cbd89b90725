"""Batch grading: one recorded outcome per submission, resumable, parallel and isolated."""
