"""family mail: preferences, digests, quiet hours, one-click unsubscribe

Revision ID: 0010
Revises: 0009
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import ilp_app.db.models

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('mail_quiet_from', sa.Integer(), nullable=False, server_default='21')
        )
        batch_op.add_column(
            sa.Column('mail_quiet_until', sa.Integer(), nullable=False, server_default='7')
        )
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('list_unsubscribe', sa.String(length=500), nullable=False, server_default='')
        )
    op.create_table(
        'family_mail_choice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('parent_id', sa.Integer(), nullable=False),
        sa.Column('learner_id', sa.Integer(), nullable=False),
        sa.Column('cadence', sa.String(length=10), nullable=False),
        sa.Column('updated_at', ilp_app.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['learner_id'], ['user.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['parent_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('parent_id', 'learner_id', name='uq_family_mail_choice'),
    )
    op.create_index('ix_family_mail_choice_parent_id', 'family_mail_choice', ['parent_id'])
    op.create_index('ix_family_mail_choice_learner_id', 'family_mail_choice', ['learner_id'])
    op.create_table(
        'digest_sent',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('parent_id', sa.Integer(), nullable=False),
        sa.Column('learner_id', sa.Integer(), nullable=False),
        sa.Column('period_key', sa.String(length=20), nullable=False),
        sa.Column('covered_from', ilp_app.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_at', ilp_app.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['learner_id'], ['user.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['parent_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('parent_id', 'learner_id', 'period_key', name='uq_digest_sent'),
    )
    op.create_index('ix_digest_sent_parent_id', 'digest_sent', ['parent_id'])


def downgrade() -> None:
    op.drop_index('ix_digest_sent_parent_id', table_name='digest_sent')
    op.drop_table('digest_sent')
    op.drop_index('ix_family_mail_choice_learner_id', table_name='family_mail_choice')
    op.drop_index('ix_family_mail_choice_parent_id', table_name='family_mail_choice')
    op.drop_table('family_mail_choice')
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_column('list_unsubscribe')
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_column('mail_quiet_until')
        batch_op.drop_column('mail_quiet_from')
