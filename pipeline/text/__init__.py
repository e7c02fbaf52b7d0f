"""Text handling shared with the extractors: normalization and Vietnamese segmentation."""
