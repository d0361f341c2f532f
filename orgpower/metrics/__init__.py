"""The measures: small pure functions over a Layer or an OrgGraph."""
