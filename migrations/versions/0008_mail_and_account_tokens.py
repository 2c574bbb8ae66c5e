"""mail outbox and account tokens

Outgoing mail goes through an outbox table that a sender works through with retries; password
reset links are single-use tokens stored as keyed hashes.

Revision ID: 0008
Revises: 0007
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import ilp_app.db.models

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'outgoing_mail',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('to_address', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('text_body', sa.String(length=20000), nullable=False),
        sa.Column('html_body', sa.String(length=40000), nullable=False),
        sa.Column('message_id', sa.String(length=200), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', ilp_app.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('claimed_at', ilp_app.db.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('sent_at', ilp_app.db.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.String(length=300), nullable=False),
        sa.Column('created_at', ilp_app.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['site_id'], ['site.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('message_id'),
    )
    op.create_index('ix_outgoing_mail_site_id', 'outgoing_mail', ['site_id'])
    op.create_index('ix_outgoing_mail_status', 'outgoing_mail', ['status'])
    op.create_index('ix_outgoing_mail_next_attempt_at', 'outgoing_mail', ['next_attempt_at'])
    op.create_table(
        'account_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', ilp_app.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', ilp_app.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('used_at', ilp_app.db.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_account_token_user_id', 'account_token', ['user_id'])


def downgrade() -> None:
    op.drop_index('ix_account_token_user_id', table_name='account_token')
    op.drop_table('account_token')
    op.drop_index('ix_outgoing_mail_next_attempt_at', table_name='outgoing_mail')
    op.drop_index('ix_outgoing_mail_status', table_name='outgoing_mail')
    op.drop_index('ix_outgoing_mail_site_id', table_name='outgoing_mail')
    op.drop_table('outgoing_mail')
