"""Printed documents (reportlab). One module per document; `style` is the shared style sheet.

Builders: certificate.build_certificate, cards.build_cards, manual.build_manual,
quarterly.build_quarterly_report, forms.build_visit_form / build_repair_notice / build_repair_record.
"""
