"""languages: each person's chosen language and the school's default

Revision ID: 0011
Revises: 0010
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('default_language', sa.String(length=10), nullable=False, server_default='en')
        )
    with op.batch_alter_table('user', schema=None) as batch_op:
        # "" until the person chooses: their browser's language, then the school's, applies.
        batch_op.add_column(
            sa.Column('language', sa.String(length=10), nullable=False, server_default='')
        )


def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('language')
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_column('default_language')
