"""How a server answers many people at once: a fair gate over a few answer threads (`gate.py`), the live index
swapped in when `qa index` makes a new build live (`live.py`), the health report of both (`health.py`) and the
request limits every route obeys (`limits.py`). Front doors (`qa.api`, `qa.web`) use these; the pipeline does
not know about them."""
