"""Greedy starting pairings."""
