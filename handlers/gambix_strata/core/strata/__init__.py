"""Gambix Strata's own layer: the SSRF guard, the fetcher, the SEO analyzer and the scores.

Deployed as an ``AWS::Serverless::LayerVersion`` (``ContentUri: core/``, ``BuildMethod:
python3.11``, https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html) next to
lambda_common; ``sam build`` installs ``requirements.txt`` (beautifulsoup4, lxml) into it.
Modules import each other relatively so the package also loads as
``handlers.gambix_strata.core.strata`` in tests. The analysis, scoring and recommendation
modules are pure (no I/O); ``ssrf`` and ``fetch`` take their resolver and connector as
parameters so tests never touch the network.
"""
