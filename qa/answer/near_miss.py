"""Near misses: an accepted sentence that still answers a neighbouring question, not this one.

The learned answerability check (`answerable.py`) weighs term coverage, the dense cosine and the transformer
verifier; a sentence matching every word of the question but one constraint passes it. Each check below reads one
kind of constraint the learned judgement does not see, on the chosen sentence and its window, and returns what the
report lacks (named in the refusal, with the sentence as the nearest fact), or None. They run in this order, the
first that finds a miss deciding:

1. a value swapped for another of its type — a year, a place, a round, an amount (`swaps.py`);
2. an attribute the corpus never writes and the verifier does not read as answered (`unmeasured.unwritten_measure`),
   or a measure the question's figures are by that the sentence does not say (`unmeasured.measured_otherwise`);
3. a place of the asked kind ("哪个区") the window names none of (`asked_kind.py`);
4. the least of names where the report lists only the leaders (`extreme.smallest_unstated`);
5. a count asked where the sentence counts nothing, where the window names nothing of what the counted things
   do, or where the sentence counts those that did what they have not (`uncounted.py`);
6. a threshold no sentence gives a count for (`between.unstated_threshold`);
7. an average of a neighbourhood that states none (`unmeasured.unstated_average`), an amount of money asked of
   a sentence that states none but bounds (`unmeasured.amount_unstated`);
8. a share asked where the sentence states none (`unshared.share_unstated`); which organisations, asked of a
   sentence that names none (`unlisted.names_unlisted`);
9. a date the sentence only compares with ("较2018年5月新增…", `undated.compared_date`), or a calendar unit asked
   ("哪一年") the window writes none of (`undated.calendar_unstated`);
10. a when-question whose name the sentence writes only before a date that opens another subject's clause
   (`undated.undated_name`).

Why hand-written checks and not a model: a near miss is one swapped word, and the verifier, trained on swapped
years, names and numbers, still reads swapped common nouns and kinds as answered (README: "Measured and dropped").
"""

from __future__ import annotations

from qa.answer.asked_kind import unnamed_kind
from qa.answer.between import unstated_threshold
from qa.answer.candidates import Candidate
from qa.answer.context import AnswerContext
from qa.answer.extreme import smallest_unstated
from qa.answer.features import Question
from qa.answer.swaps import swapped_constraint
from qa.answer.uncounted import count_unstated, did_otherwise, kind_uncounted
from qa.answer.undated import calendar_unstated, compared_date, undated_name
from qa.answer.unmeasured import amount_unstated, measured_otherwise, unstated_average, unwritten_measure
from qa.answer.unlisted import names_unlisted
from qa.answer.unshared import share_unstated


def near_miss(question: str, q: Question, best: Candidate, window: str, verified: float,
              context: AnswerContext) -> str | None:
    """What of the question the accepted sentence `best` (with its reader `window` text, and the verifier's P
    `verified`) does not answer, or None when it answers it."""
    segmenter = context.segmenter
    return (swapped_constraint(q, best, context) or unwritten_measure(q, context, verified)
            or measured_otherwise(question, best.text)
            or unnamed_kind(q, window, segmenter) or smallest_unstated(question, [window], segmenter)
            or count_unstated(question, best.text) or kind_uncounted(question, window, segmenter)
            or did_otherwise(question, best.text, segmenter)
            or unstated_threshold(question, best.text)
            or unstated_average(question, best, context) or amount_unstated(question, best.text)
            or share_unstated(question, best.text) or names_unlisted(question, best.text, segmenter)
            or compared_date(question, window) or calendar_unstated(question, window)
            or undated_name(q.qtype.kind, segmenter.question_words(question), best.text, segmenter))
