"""school accounts (OpenID Connect)

The provider's subject linked to a person, and the sign-ins in flight (state, nonce and PKCE
verifier, each used once).

Revision ID: 0009
Revises: 0008
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import ilp_app.db.models

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'external_identity',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('issuer', sa.String(length=255), nullable=False),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('created_at', ilp_app.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('issuer', 'subject', name='uq_external_identity'),
    )
    op.create_index('ix_external_identity_user_id', 'external_identity', ['user_id'])
    op.create_table(
        'oidc_login',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('state_hash', sa.String(length=64), nullable=False),
        sa.Column('provider', sa.String(length=40), nullable=False),
        sa.Column('nonce', sa.String(length=100), nullable=False),
        sa.Column('code_verifier', sa.String(length=128), nullable=False),
        sa.Column('created_at', ilp_app.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('used_at', ilp_app.db.models.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('state_hash'),
    )


def downgrade() -> None:
    op.drop_table('oidc_login')
    op.drop_index('ix_external_identity_user_id', table_name='external_identity')
    op.drop_table('external_identity')
