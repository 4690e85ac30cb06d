"""Rule-based extraction: a report's text -> events, actors and relations, each tied to the
sentence that states it (see shared/eval/ANNOTATION.md for the event schema).

    from conflictkg.extract import extract, extract_report
    result = extract_report(report)            # one report
    result = extract(reports, workers=2)       # many, in input order, deterministic
"""

from conflictkg.extract.pipeline import extract, extract_report, iter_extract, report_country

__all__ = ["extract", "extract_report", "iter_extract", "report_country"]
