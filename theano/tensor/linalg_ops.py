"""(filled in by the tensor-library work)"""

__all__ = []
