"""Serializers validate and shape; the writes they make call the same services as the forms."""
