"""Deliverables: report, PDF, workbook, deck, figures and the summary text of one run."""
