"""Data to look at and to measure with, written through the domain apps: the demo series
(``demo.data``, ``manage.py load_demo_data``) and national-scale data for load tests (``demo.scale``,
``manage.py generate_scale_data``).

It stands above ``participants``, ``clauses`` and ``rounds``; none of them imports it.
"""
