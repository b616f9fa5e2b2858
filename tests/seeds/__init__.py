"""The seeds' code examples, one module (or project folder) per example.

They are the seeds' code in Flask's spelling, repaired only where the copy lost
line breaks or indentation, and completed only where the seed shows a fragment
(every such line ends with ``# added:``).  ``tests/test_seed_examples.py``
copies them to a temporary folder and runs them on Kolba and on Flask.
"""
