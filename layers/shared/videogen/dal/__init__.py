"""Data access: the only code that touches DynamoDB (PynamoDB) and S3 (boto3)."""
