"""The web console's deployment: the CloudFormation custom resource that publishes its static files."""
