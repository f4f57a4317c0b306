"""The REST API under ``/api/v1/`` (Django REST framework; schema by drf-spectacular).

``authentication`` (bearer tokens, sessions), ``permissions`` (read-only tokens), ``access`` (the portfolio and
role of a request, exactly as on the pages), ``conditional`` (ETag / If-Match), ``problems`` (RFC 9457 errors),
``throttling`` (per-token rate limit), ``pagination``; ``serializers/`` shape and validate, ``views/`` call one
service or selector each.
"""
