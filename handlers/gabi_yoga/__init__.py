"""Gabi Yoga (issue 4): the yoga-studio site on API Gateway + Lambda + DynamoDB + S3 + SES.

Each service folder (auth, blog, gallery, booking, payment, admin, authorizer) is one
``CodeUri``; ``template.yaml`` declares one function per route. ``migrate.py`` moves the
legacy relational data into the tables.
"""
