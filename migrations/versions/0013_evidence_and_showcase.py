"""evidence of learning and the year-end showcase

Revision ID: 0013
Revises: 0010
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import ilp_app.db.models

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'evidence',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('goal_id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.Integer(), nullable=True),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('title', sa.String(length=120), nullable=False),
        sa.Column('url', sa.String(length=2000), nullable=False),
        sa.Column('storage_name', sa.String(length=64), nullable=False),
        sa.Column('media_type', sa.String(length=40), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('added_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', ilp_app.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('approved_at', ilp_app.db.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['goal_id'], ['goal.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['task_id'], ['task.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['owner_id'], ['user.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['added_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_evidence_plan_id', 'evidence', ['plan_id'])
    op.create_index('ix_evidence_goal_id', 'evidence', ['goal_id'])
    op.create_index('ix_evidence_owner_id', 'evidence', ['owner_id'])
    op.create_table(
        'showcase',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('closing_reflection', sa.String(length=3000), nullable=False),
        sa.Column('shared_with_family', sa.Boolean(), nullable=False),
        sa.Column('updated_at', ilp_app.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('plan_id'),
    )
    op.create_table(
        'showcase_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('showcase_id', sa.Integer(), nullable=False),
        sa.Column('goal_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('ref_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['showcase_id'], ['showcase.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['goal_id'], ['goal.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('showcase_id', 'kind', 'ref_id'),
    )
    op.create_index('ix_showcase_item_showcase_id', 'showcase_item', ['showcase_id'])


def downgrade() -> None:
    op.drop_index('ix_showcase_item_showcase_id', table_name='showcase_item')
    op.drop_table('showcase_item')
    op.drop_table('showcase')
    op.drop_index('ix_evidence_owner_id', table_name='evidence')
    op.drop_index('ix_evidence_goal_id', table_name='evidence')
    op.drop_index('ix_evidence_plan_id', table_name='evidence')
    op.drop_table('evidence')
