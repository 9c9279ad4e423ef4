"""Question understanding: the one stage where a question as typed becomes the question that is searched and answered.

`question.QuestionReader.understand` validates the text (`validate.py`), resolves an elliptic follow-up against the
previous question (`followup.py`), folds script and numerals (`qa.segment`), corrects names the corpus spells
otherwise (`spelling.py`), reads the answer kind (`kind.py`) and the constraints every answer must support
(`constraints.py`), and hands the rest of the pipeline one `Understood` object. Every front door (CLI, API, chat,
evaluation, training scripts) goes through it, so a question is understood the same way everywhere.
"""
