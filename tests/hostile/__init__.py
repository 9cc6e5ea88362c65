"""Hostile and broken submissions, built on the fly from module 01_neuron (see corpus)."""
