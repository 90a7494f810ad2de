"""The evaluation engine: framework-free analysis of quasi-experimental questionnaire studies.

Nothing here imports Django, so the engine runs from the standalone CLI without a database
(``pendamping evaluate``) as well as from the web app's analysis task.
"""
